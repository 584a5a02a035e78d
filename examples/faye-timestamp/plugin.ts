/**
 * `x-timestamp`, written the way extensions for faye's `websocket-extensions`
 * are written: a plugin object (`name`, `type: 'permessage'`, `rsv1..3`,
 * `createClientSession`, `createServerSession(offers)`) whose sessions process
 * whole messages through Node-style callbacks. wsx runs it unchanged through
 * `fayeClientFactory` / `fayeServerFactory`, and faye's own container runs it too.
 *
 * Every outgoing message gets its send time appended (8 bytes, float64
 * milliseconds, big-endian); the receiver strips it and reports the one-way
 * latency. It uses no RSV bit: once negotiated, every message carries a stamp.
 *
 *   client offer:     x-timestamp
 *   server response:  x-timestamp
 */
import type {
  FayeCallback,
  FayeClientSession,
  FayeMessage,
  FayeParams,
  FayePlugin,
  FayeServerSession,
} from '../../src/negotiation/index.js';

const STAMP_LENGTH = 8;

export interface TimestampOptions {
  /** The clock stamps are taken from (default `Date.now`; both peers must share it). */
  readonly now?: () => number;
  /** Called for every received message with its one-way latency in milliseconds. */
  readonly onLatency?: (milliseconds: number) => void;
}

/**
 * @example
 * const plugin = timestampPlugin({ onLatency: (ms) => histogram.record(ms) });
 * await connect(url, { extensions: [fayeClientFactory(plugin)] });
 */
export function timestampPlugin(options: TimestampOptions = {}): FayePlugin {
  return {
    name: 'x-timestamp',
    type: 'permessage',
    rsv1: false,
    rsv2: false,
    rsv3: false,
    createClientSession: () => new TimestampSession(options),
    // Like faye's permessage-deflate: take the first offer we understand, or decline (null).
    createServerSession: (offers: FayeParams[]) =>
      offers.some((offer) => Object.keys(offer).length === 0) ? new TimestampSession(options) : null,
  };
}

class TimestampSession implements FayeClientSession, FayeServerSession {
  private closed = false;
  constructor(private readonly options: TimestampOptions) {}

  generateOffer(): FayeParams {
    return {};
  }

  /** The server must answer without parameters; anything else is refused. */
  activate(params: FayeParams): boolean {
    return Object.keys(params).length === 0;
  }

  generateResponse(): FayeParams {
    return {};
  }

  processOutgoingMessage(message: FayeMessage, callback: FayeCallback): void {
    if (this.closed) return callback(new Error('x-timestamp: session closed'));
    const data = new Uint8Array(message.data.length + STAMP_LENGTH);
    data.set(message.data, 0);
    new DataView(data.buffer).setFloat64(message.data.length, this.now());
    message.data = data;
    callback(null, message);
  }

  processIncomingMessage(message: FayeMessage, callback: FayeCallback): void {
    if (this.closed) return callback(new Error('x-timestamp: session closed'));
    const length = message.data.length - STAMP_LENGTH;
    if (length < 0) return callback(new Error(`x-timestamp: a ${message.data.length}-byte message cannot hold its timestamp`));
    const view = new DataView(message.data.buffer, message.data.byteOffset, message.data.byteLength);
    const sent = view.getFloat64(length);
    if (!Number.isFinite(sent)) return callback(new Error('x-timestamp: timestamp is not a finite number'));
    message.data = message.data.subarray(0, length);
    this.options.onLatency?.(this.now() - sent);
    callback(null, message);
  }

  close(): void {
    this.closed = true;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
