/**
 * Default negotiation and compression settings by role (README.md
 * "Defaults"). Both sides' windows default to 4 KiB, as Python websockets
 * chose: about 10% of ratio against zlib's 15/8 on JSON and prose.
 *
 * memLevel differs by role because memory does. A server holds many
 * connections and keeps each compressor in pako between messages
 * (lowMemoryBackend), where memLevel 4 costs 8 KiB less than 5 for ≤1% of
 * ratio. A client holds one connection on native zlib, whose hash table is
 * 64 KiB whatever memLevel says; there memLevel 8's larger blocks measured
 * ~20% faster on 64 KiB JSON.
 */
import type { WindowBits } from './params.js';

export const DEFAULT_SERVER_MAX_WINDOW_BITS: WindowBits = 12;
export const DEFAULT_SERVER_CLIENT_MAX_WINDOW_BITS: WindowBits = 12;
export const DEFAULT_SERVER_MEM_LEVEL = 4;
export const DEFAULT_CLIENT_MEM_LEVEL = 8;
/**
 * A server session idle this long (up to twice as long) keeps only its two
 * windows: ~60 KiB → ~15 KiB per connection with lowMemoryBackend, for ~40 µs
 * to rebuild both contexts on its next message (README "Memory per
 * connection"). Clients keep native contexts, which cannot hibernate.
 */
export const DEFAULT_SERVER_HIBERNATE_AFTER_MS = 2000;
