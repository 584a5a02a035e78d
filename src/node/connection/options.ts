/**
 * Options every connection shares, client or server, with their defaults in
 * one place. Timeouts are in milliseconds; sizes in bytes.
 */

export interface ConnectionOptions {
  /**
   * Largest message accepted from the peer, after decompression (default
   * 1 MiB, like Python websockets). A larger one fails the connection with
   * 1009; the deflate session stops inflating at this size (zip bombs).
   */
  maxSize?: number;
  /** Interval between keepalive pings (default 30 s); `0` or `null` turns keepalive off. */
  pingInterval?: number | null;
  /** How long to wait for the pong before the peer is presumed gone (default 30 s). */
  pongTimeout?: number;
  /** How long the closing handshake may take before the socket is destroyed (default 5 s). */
  closeTimeout?: number;
  /** Bytes of received messages buffered for a slow reader before the socket is paused (default 256 KiB). */
  readableHighWaterMark?: number;
  /** Outgoing messages larger than this are sent as several frames (default 1 MiB). */
  fragmentSize?: number;
}

export interface ResolvedConnectionOptions {
  readonly maxSize: number;
  readonly pingInterval: number;
  readonly pongTimeout: number;
  readonly closeTimeout: number;
  readonly readableHighWaterMark: number;
  readonly fragmentSize: number;
}

export const DEFAULT_MAX_SIZE = 1024 * 1024;

function positive(name: string, value: number | undefined, fallback: number, allowInfinity = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0 || (!allowInfinity && !Number.isFinite(value))) {
    throw new TypeError(`${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

/** Validates and fills in defaults; a bad value is a TypeError naming the option. */
export function resolveConnectionOptions(options: ConnectionOptions = {}): ResolvedConnectionOptions {
  const ping = options.pingInterval;
  return {
    maxSize: positive('maxSize', options.maxSize, DEFAULT_MAX_SIZE, true),
    pingInterval: ping === null || ping === 0 ? 0 : positive('pingInterval', ping, 30_000),
    pongTimeout: positive('pongTimeout', options.pongTimeout, 30_000),
    closeTimeout: positive('closeTimeout', options.closeTimeout, 5_000),
    readableHighWaterMark: positive('readableHighWaterMark', options.readableHighWaterMark, 256 * 1024),
    fragmentSize: positive('fragmentSize', options.fragmentSize, 1024 * 1024),
  };
}
