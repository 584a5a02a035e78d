/**
 * A backend for servers holding many connections: the state kept between
 * messages is pako's (pure JS, ~42 KiB of arrays per connection at window 12
 * / memLevel 4, both directions) instead of native contexts (~130 KiB on Node
 * 20, whose bundled zlib fixes the deflate hash table at 64 KiB whatever
 * memLevel says). pako compresses ~2.3× slower than native zlib, which
 * matters on large writes only, so those go to a native deflater that lives
 * for that write, seeded with the window so that context takeover is
 * unaffected (lowMemoryDeflater.ts). Inflating stays in pako: a native
 * inflater created per message measured no faster than pako on 64 KiB, and a
 * kept one costs ~7 KiB per connection (README "Memory per connection").
 */
import type { ZlibBackend } from './backend.js';
import { LowMemoryDeflater } from './lowMemoryDeflater.js';
import { createPakoBackend } from './pakoBackend.js';

export { NATIVE_FROM } from './lowMemoryDeflater.js';

const pako = createPakoBackend();

/**
 * pako's contexts between messages, native zlib for large writes (README
 * "Memory per connection").
 *
 * @example
 * new ServerPerMessageDeflateFactory({ backend: lowMemoryBackend });
 */
export const lowMemoryBackend: ZlibBackend = {
  name: 'low-memory (pako + transient native)',
  zlibMatchLimit: true,
  createDeflater: (options) => new LowMemoryDeflater(options),
  createInflater: (options) => pako.createInflater(options),
};
