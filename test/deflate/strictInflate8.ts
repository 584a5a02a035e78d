// A strict 256-byte-window inflater: the checker for window bits 8.
import * as pako from 'pako';

/**
 * Inflates each payload with an 8-bit (256-byte) window, one output byte per
 * zlib call: every back-reference then goes through the window, so any
 * distance over 256 fails ("invalid distance too far back"), within a message
 * as well as across messages.
 */
export function strictInflate8(payloads: Uint8Array[]): Uint8Array[] {
  const strm = new pako.ZStream();
  pako.zlibInflateInit2(strm, -8);
  return payloads.map((payload) => {
    const input = new Uint8Array(payload.length + 4);
    input.set(payload);
    input.set([0, 0, 0xff, 0xff], payload.length);
    strm.input = input;
    strm.next_in = 0;
    strm.avail_in = input.length;
    const out: number[] = [];
    const one = new Uint8Array(1);
    for (;;) {
      strm.output = one;
      strm.next_out = 0;
      strm.avail_out = 1;
      const status = pako.zlibInflate(strm, pako.Z_SYNC_FLUSH);
      if (status < 0 && status !== pako.Z_BUF_ERROR) throw new Error(strm.msg);
      if (strm.next_out === 1) out.push(one[0]!);
      else if (strm.avail_in === 0 || status === pako.Z_BUF_ERROR) break;
    }
    return Uint8Array.from(out);
  });
}
