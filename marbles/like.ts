/**
 * Shape matchers for payloads a test cannot spell out: ciphertext under a
 * fresh key, compressed bytes, timestamps. `like('T2')` matches a final text
 * frame with exactly RSV2 set, whatever its payload; a predicate can still
 * pin the payload down (`like('B1', (p) => p.length < 100, 'compressed')`).
 */
import type { Frame, Message } from '../src/protocol/index.js';
import { ValueMatcher } from './match.js';
import { isFrame, isMessage, parseValue } from './notation.js';

/**
 * @example
 * expectObservable(send(aes, app)).toBe('a|', { a: like('T2', (p) => p.length === 5 + 16, '5 bytes + tag') });
 */
export function like(header: string, payload?: (bytes: Uint8Array) => boolean, description?: string): ValueMatcher {
  const shape = parseValue(header);
  const shown = isFrame(shape) ? shape.payload : shape.data;
  if (shown.length > 0) throw new TypeError(`like(): give the kind and flags only, not a payload: ${header}`);
  return new ShapeMatcher(shape, header, payload, description);
}

class ShapeMatcher extends ValueMatcher {
  constructor(
    private readonly shape: Frame | Message,
    private readonly header: string,
    private readonly payload: ((bytes: Uint8Array) => boolean) | undefined,
    private readonly description: string | undefined,
  ) {
    super();
  }

  matches(actual: unknown): boolean {
    const s = this.shape;
    let bytes: Uint8Array;
    if (isFrame(s)) {
      if (!isFrame(actual) || actual.fin !== s.fin) return false;
      bytes = actual.payload;
    } else {
      if (!isMessage(actual)) return false;
      bytes = actual.data;
    }
    const a = actual as Frame | Message;
    if (a.opcode !== s.opcode || a.rsv1 !== s.rsv1 || a.rsv2 !== s.rsv2 || a.rsv3 !== s.rsv3) return false;
    return this.payload ? this.payload(bytes) : true;
  }

  describe(): string {
    const check = this.payload ? `, ${this.description ?? 'payload check'}` : '';
    return `like(${this.header}${check})`;
  }
}
