/**
 * A backend for servers holding many connections: the state kept between
 * messages is pako's (pure JS, ~42 KiB of arrays per connection at window 12
 * / memLevel 4, both directions) instead of native contexts (~130 KiB on Node
 * 20, whose bundled zlib fixes the deflate hash table at 64 KiB whatever
 * memLevel says). pako is ~2.3× slower than native zlib to compress and ~25%
 * slower to inflate, which matters on large data only, so large writes
 * (lowMemoryDeflater.ts) and large messages (lowMemoryInflater.ts) go to a
 * native context that lives only that long, seeded with the window so that
 * context takeover is unaffected (README "Memory per connection").
 */
import type { ZlibBackend } from './backend.js';
import { LowMemoryDeflater } from './lowMemoryDeflater.js';
import { LowMemoryInflater } from './lowMemoryInflater.js';

export { NATIVE_FROM } from './lowMemoryDeflater.js';
export { NATIVE_INFLATE_FROM } from './lowMemoryInflater.js';

/**
 * pako's contexts between messages, native zlib for large writes and
 * messages (see the classes above and README "Memory per connection").
 *
 * @example
 * new ServerPerMessageDeflateFactory({ backend: lowMemoryBackend });
 */
export const lowMemoryBackend: ZlibBackend = {
  name: 'low-memory (pako + transient native)',
  zlibMatchLimit: true,
  createDeflater: (options) => new LowMemoryDeflater(options),
  createInflater: (options) => new LowMemoryInflater(options),
};
