/**
 * Default negotiation settings, chosen by measurement (README.md "Defaults"):
 * a 4 KiB window and memLevel 5 keep a server connection's zlib memory near
 * 48 KiB for a compression ratio within a few percent of zlib's 15/8.
 */
import type { WindowBits } from './params.js';

export const DEFAULT_SERVER_MAX_WINDOW_BITS: WindowBits = 12;
export const DEFAULT_SERVER_CLIENT_MAX_WINDOW_BITS: WindowBits = 12;
