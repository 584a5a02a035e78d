/**
 * Pure-JS backend on pako 3's low-level zlib port, for runtimes without
 * `node:zlib` (browsers, Deno, workers). pako's high-level classes are
 * bypassed: driving `zlibDeflate`/`zlibInflate` directly gives exact control
 * of Z_SYNC_FLUSH, output buffer sizes and end-of-stream detection
 * (pakoDeflater.ts, pakoInflater.ts).
 * (fflate was rejected: its sync flush corrupts output, fflate#267.)
 */
import type { ZlibBackend } from './backend.js';
import { PakoDeflater } from './pakoDeflater.js';
import { PakoInflater } from './pakoInflater.js';

export { PakoDeflater } from './pakoDeflater.js';
export { PakoInflater } from './pakoInflater.js';

export interface PakoBackendOptions {
  /**
   * zlib's classic rolling hash, whose table honours `memLevel`
   * (2^(memLevel+7) entries), instead of pako 3's default 4-byte hash, whose
   * table is fixed at 2^15 entries (64 KiB) like Chromium's zlib.
   */
  readonly legacyHash?: boolean;
}

/**
 * A pako backend; `pakoBackend` is the default one.
 *
 * @example
 * new ServerPerMessageDeflateFactory({ backend: createPakoBackend({ legacyHash: true }) });
 */
export function createPakoBackend(options: PakoBackendOptions = {}): ZlibBackend {
  const legacyHash = options.legacyHash ?? false;
  return {
    name: legacyHash ? 'pako-legacy-hash' : 'pako',
    // zlib (and its port pako) limit match distances to MAX_DIST = 2^w − 262.
    zlibMatchLimit: true,
    createDeflater: (deflaterOptions) => new PakoDeflater(deflaterOptions, legacyHash),
    createInflater: (inflaterOptions) => new PakoInflater(inflaterOptions),
  };
}

/** The portable backend: pure JS, same semantics as the native one. */
export const pakoBackend: ZlibBackend = createPakoBackend();
