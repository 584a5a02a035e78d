/**
 * What follows a peer's BFINAL block inside one message (RFC 7692 §7.2.3.4).
 *
 * A sender that ends a message's deflate stream with BFINAL still appends an
 * empty stored block when its data does not end with one (§7.2.1), then
 * strips `00 00 ff ff`; we append that tail back. So after the stream's end
 * only `00 00 ff ff` or `00 00 00 ff ff` may remain. Anything else is data
 * the stream can no longer carry: corrupt (1007), never silently dropped.
 */
export class StreamTrailer {
  readonly #bytes: number[] = [];

  /** Records bytes after the end; false once more than an empty block's worth arrived. */
  keep(bytes: Uint8Array): boolean {
    for (const byte of bytes) {
      if (this.#bytes.length === 5) return false;
      this.#bytes.push(byte);
    }
    return true;
  }

  /** True when the bytes after the end were only our tail, optionally after the sender's empty block. */
  isOnlyEmptyBlocks(): boolean {
    const t = this.#bytes;
    const n = t.length;
    if (n !== 4 && !(n === 5 && t[0] === 0)) return false;
    return t[n - 4] === 0 && t[n - 3] === 0 && t[n - 2] === 0xff && t[n - 1] === 0xff;
  }
}
