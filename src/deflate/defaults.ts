/**
 * Default negotiation settings (README.md "Defaults"): a 4 KiB window for
 * both directions, as Python websockets chose. With memLevel 5 it costs
 * about 10% of compression ratio against zlib's 15/8 on JSON and prose, and
 * halves the native memory of a connection (measured ~128 KiB vs ~235 KiB
 * RSS on Node 20, whose zlib fixes the hash table at 64 KiB).
 */
import type { WindowBits } from './params.js';

export const DEFAULT_SERVER_MAX_WINDOW_BITS: WindowBits = 12;
export const DEFAULT_SERVER_CLIENT_MAX_WINDOW_BITS: WindowBits = 12;
