/**
 * UTF-8 validation for text messages and close reasons (RFC 6455 §8.1: a text
 * message that is not valid UTF-8 fails the connection with 1007).
 *
 * Validation uses the runtime's native validator (`Buffer.isUtf8` on Node,
 * otherwise a fatal `TextDecoder`), never a JS byte loop. The incremental
 * `Utf8Validator` only handles the at most 3 bytes of a character split across
 * chunk boundaries itself and hands everything else to the native check.
 */

type NativeIsUtf8 = (bytes: Uint8Array) => boolean;

const nodeIsUtf8 = (globalThis as { Buffer?: { isUtf8?: NativeIsUtf8 } }).Buffer?.isUtf8;
const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The portable validator (fatal `TextDecoder`) used where `Buffer.isUtf8` is missing; exported for tests. */
export function isValidUtf8Portable(bytes: Uint8Array): boolean {
  try {
    fatalDecoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether `bytes` is well-formed UTF-8 (no overlongs, no surrogates, nothing
 * above U+10FFFF, no truncated sequence at the end).
 *
 * @example
 * isValidUtf8(new TextEncoder().encode('héllo')); // true
 * isValidUtf8(new Uint8Array([0xc0, 0x80]));       // false (overlong)
 */
export const isValidUtf8: (bytes: Uint8Array) => boolean =
  typeof nodeIsUtf8 === 'function' ? (bytes) => bytes.length === 0 || nodeIsUtf8(bytes) : isValidUtf8Portable;

/** Length of the sequence a lead byte starts; 0 for continuation or impossible lead bytes. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * Validates UTF-8 that arrives in pieces (the frames of a fragmented text
 * message), failing as soon as a piece proves the text invalid rather than
 * after the whole message is buffered. Once it has returned `false` it keeps
 * returning `false`.
 *
 * @example
 * const v = new Utf8Validator();
 * v.push(new Uint8Array([0xe2, 0x82]), false); // true: '€' not finished yet
 * v.push(new Uint8Array([0xac]), true);        // true: complete and valid
 */
export class Utf8Validator {
  // Bytes of a character split across pushes (at most 3) and how many it needs.
  #carry = new Uint8Array(4);
  #carried = 0;
  #needed = 0;
  #failed = false;

  /** Feeds the next piece; `final` marks the end of the text. Returns false once the text is invalid. */
  push(bytes: Uint8Array, final: boolean): boolean {
    if (this.#failed) return false;
    const ok = this.#check(bytes, final);
    if (!ok) this.#failed = true;
    return ok;
  }

  /** Forgets all state, ready for a new text. */
  reset(): void {
    this.#carried = 0;
    this.#needed = 0;
    this.#failed = false;
  }

  #check(bytes: Uint8Array, final: boolean): boolean {
    let start = 0;
    if (this.#carried > 0) {
      // Complete the character left over from the previous piece first.
      const take = Math.min(this.#needed - this.#carried, bytes.length);
      this.#carry.set(bytes.subarray(0, take), this.#carried);
      this.#carried += take;
      start = take;
      if (this.#carried < this.#needed) {
        // Still incomplete: make sure what we have cannot already be rejected.
        if (!this.#prefixPlausible()) return false;
        return !final;
      }
      if (!isValidUtf8(this.#carry.subarray(0, this.#needed))) return false;
      this.#carried = 0;
    }
    // Find a character cut off at the end of this piece (at most 3 bytes back).
    let end = bytes.length;
    for (let back = 1; back <= 3 && end - back >= start; back++) {
      const byte = bytes[end - back]!;
      if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for its lead
      const length = sequenceLength(byte);
      if (length > back) {
        this.#carry.set(bytes.subarray(end - back, end), 0);
        this.#carried = back;
        this.#needed = length;
        end -= back;
      }
      break;
    }
    if (end > start && !isValidUtf8(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end))) {
      return false;
    }
    if (this.#carried > 0) {
      if (!this.#prefixPlausible()) return false;
      return !final;
    }
    return true;
  }

  /** Rejects an unfinished character early when its first two bytes already rule it out (overlongs, surrogates, > U+10FFFF). */
  #prefixPlausible(): boolean {
    const lead = this.#carry[0]!;
    for (let i = 1; i < this.#carried; i++) if ((this.#carry[i]! & 0xc0) !== 0x80) return false;
    if (this.#carried < 2) return true;
    const second = this.#carry[1]!;
    if (lead === 0xe0) return second >= 0xa0;
    if (lead === 0xed) return second <= 0x9f;
    if (lead === 0xf0) return second >= 0x90;
    if (lead === 0xf4) return second <= 0x8f;
    return true;
  }
}
