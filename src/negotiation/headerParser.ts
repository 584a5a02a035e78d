import type { ExtensionHeaderItem, ExtensionParam } from '../protocol/extension.js';
import { ExtensionHeaderSyntaxError } from './headerSyntaxError.js';
import { isOws, isQdtext, isQuotedPairChar, isTokenChar } from './token.js';

/**
 * Parses a `Sec-WebSocket-Extensions` header (RFC 6455 §9.1):
 *
 *   extension-list = 1#extension
 *   extension      = extension-token *( OWS ";" OWS extension-param )
 *   extension-param = token [ OWS "=" OWS ( token / quoted-string ) ]
 *
 * with RFC 7230 §7 list rules: optional whitespace around `,` and empty list
 * elements (`a,,b`, a trailing `,`) are tolerated. A quoted value is unescaped
 * and must then be a token, as §9.1 requires. OWS around `=` is accepted
 * because RFC 2616's implied LWS allowed it and real peers send it.
 *
 * An array means several header lines; they are combined as if joined with
 * `,` (RFC 7230 §3.2.2), and an empty array means "no header". At least one
 * extension must be present in total.
 *
 * A single left-to-right scan with constant work per character: linear time on
 * any input, no regular expressions. Names are kept in arrays, so
 * `__proto__` or `constructor` are ordinary names.
 *
 * @throws ExtensionHeaderSyntaxError (a `NegotiationError`, HTTP 400 / close
 *   1010) saying at which index the grammar broke.
 *
 * @example
 * ```ts
 * parseExtensionHeader('permessage-deflate; client_max_window_bits, x-foo; a="1"');
 * // [ { name: 'permessage-deflate', params: [['client_max_window_bits', true]] },
 * //   { name: 'x-foo', params: [['a', '1']] } ]
 * ```
 */
export function parseExtensionHeader(header: string | readonly string[]): ExtensionHeaderItem[] {
  const lines = typeof header === 'string' ? [header] : header;
  const items: ExtensionHeaderItem[] = [];
  if (lines.length === 0) return items;
  for (let line = 0; line < lines.length; line++) {
    new LineScanner(lines[line]!, line, lines.length).scanInto(items);
  }
  if (items.length === 0) {
    const last = lines.length - 1;
    throw new ExtensionHeaderSyntaxError('expected at least one extension', lines[last]!, lines[last]!.length, last, lines.length);
  }
  return items;
}

/** Scans one header line; `pos` only ever moves forward. */
class LineScanner {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly line: number,
    private readonly lineCount: number,
  ) {}

  scanInto(items: ExtensionHeaderItem[]): void {
    const { text } = this;
    for (;;) {
      this.skipOws();
      if (this.pos === text.length) return;
      if (this.code() === 0x2c /* , */) {
        this.pos++; // an empty list element (RFC 7230 §7)
        continue;
      }
      items.push(this.extension());
      if (this.pos === text.length) return;
      if (this.code() !== 0x2c) this.fail(`expected "," or ";" but found ${this.shown()}`);
      this.pos++;
    }
  }

  /** extension-token *( OWS ";" OWS extension-param ), leaving trailing OWS consumed. */
  private extension(): ExtensionHeaderItem {
    const name = this.token('extension name');
    const params: ExtensionParam[] = [];
    this.skipOws();
    while (this.code() === 0x3b /* ; */) {
      this.pos++;
      this.skipOws();
      const param = this.token('parameter name');
      this.skipOws();
      let value: string | true = true;
      if (this.code() === 0x3d /* = */) {
        this.pos++;
        this.skipOws();
        value = this.code() === 0x22 /* " */ ? this.quotedToken() : this.token('parameter value');
        this.skipOws();
      }
      params.push([param, value]);
    }
    return { name, params };
  }

  private token(what: string): string {
    const start = this.pos;
    const { text } = this;
    while (this.pos < text.length && isTokenChar(text.charCodeAt(this.pos))) this.pos++;
    if (this.pos === start) this.fail(`expected ${what} but found ${this.shown()}`);
    return text.slice(start, this.pos);
  }

  /**
   * quoted-string, unescaped, then required to be a token (RFC 6455 §9.1).
   * Since the result must be a token, the scan stops at the first character
   * that cannot be in one, reporting the opening quote.
   */
  private quotedToken(): string {
    const { text } = this;
    const open = this.pos++;
    let value = '';
    let segment = this.pos;
    for (;;) {
      if (this.pos === text.length) this.fail('unterminated quoted string', open);
      let code = text.charCodeAt(this.pos);
      if (code === 0x22) break;
      if (code === 0x5c /* \ */) {
        value += text.slice(segment, this.pos);
        this.pos++;
        if (this.pos === text.length) this.fail('unterminated quoted string', open);
        code = text.charCodeAt(this.pos);
        if (!isQuotedPairChar(code)) this.fail(`invalid escaped character ${this.shown()}`);
        segment = this.pos; // the escaped character starts the next literal run
      } else if (!isQdtext(code)) {
        this.fail(`invalid character ${this.shown()} in quoted string`);
      }
      if (!isTokenChar(code)) this.fail(`quoted value is not a token (it contains ${this.shown()})`, open);
      this.pos++;
    }
    value += text.slice(segment, this.pos);
    this.pos++; // closing quote
    if (value.length === 0) this.fail('empty quoted value is not a token', open);
    return value;
  }

  private skipOws(): void {
    while (this.pos < this.text.length && isOws(this.text.charCodeAt(this.pos))) this.pos++;
  }

  /** The current code unit, or NaN at the end (which matches nothing). */
  private code(): number {
    return this.text.charCodeAt(this.pos);
  }

  private shown(): string {
    return this.pos < this.text.length ? JSON.stringify(this.text[this.pos]) : 'end of header';
  }

  private fail(problem: string, index = this.pos): never {
    throw new ExtensionHeaderSyntaxError(problem, this.text, index, this.line, this.lineCount);
  }
}
