/**
 * The sending half of a connection: application data → message → frames →
 * outgoing extension stages → socket.
 *
 * `send()` runs synchronously end to end while the stages answer
 * synchronously, so a burst of sends in one tick is serialized, compressed and
 * corked into one socket write. Its promise resolves when the socket can take
 * more (the writable's backpressure); an async stage keeps later messages
 * queued behind it in order.
 */
import type { Frame } from '../../protocol/frame.js';
import { fragmentMessage } from '../../protocol/messageFragmenter.js';
import type { FrameChannel, FrameSink } from './frameChannel.js';
import { toMessage, type SendableData } from './messages.js';
import type { FrameWriter } from './frameWriter.js';

export interface OutboundCounters {
  messages: number;
  bytes: number;
}

const RESOLVED: Promise<void> = Promise.resolve();

/** What the outbound half asks of the connection. */
export interface OutboundHost {
  /** Whether data may still go out (no Close sent or requested). */
  canSend(): boolean;
  /** A stage failed: the connection fails. */
  fail(error: unknown): void;
}

export class Outbound implements FrameSink {
  readonly counters: OutboundCounters = { messages: 0, bytes: 0 };
  readonly #writer: FrameWriter;
  readonly #fragmentSize: number;
  readonly #host: OutboundHost;
  #channel: FrameChannel | null = null;
  // The last message still inside an async stage; later sends queue behind it.
  #tail: Promise<void> | null = null;
  #error: unknown = null;

  constructor(writer: FrameWriter, fragmentSize: number, host: OutboundHost) {
    this.#writer = writer;
    this.#fragmentSize = fragmentSize;
    this.#host = host;
  }

  setChannel(channel: FrameChannel): void {
    this.#channel = channel;
  }

  /** Frames leaving the last stage go to the socket. */
  deliver(frame: Frame): void {
    this.#writer.write(frame);
  }

  /**
   * Sends one message. Rejects (and sends nothing) once the connection is
   * closing or failed. Resolves when the socket buffer has room again.
   */
  send(data: SendableData): Promise<void> {
    if (this.#error !== null) return Promise.reject(this.#error);
    if (!this.#host.canSend()) return Promise.reject(new DOMException('the connection is closing or closed', 'InvalidStateError'));
    let message;
    try {
      message = toMessage(data);
    } catch (error) {
      return Promise.reject(error);
    }
    this.counters.messages++;
    this.counters.bytes += message.data.length;
    const frames = fragmentMessage(message, this.#fragmentSize);
    if (this.#tail !== null) {
      const tail = this.#tail.then(() => this.#push(frames, 0));
      return this.#track(tail);
    }
    try {
      const pending = this.#push(frames, 0);
      if (pending) return this.#track(pending);
    } catch (error) {
      this.#error ??= error;
      this.#host.fail(error);
      return Promise.reject(error);
    }
    return this.#writer.full ? this.#writer.drained() : RESOLVED;
  }

  #push(frames: readonly Frame[], from: number): void | Promise<void> {
    const channel = this.#channel!;
    for (let i = from; i < frames.length; i++) {
      const pending = channel.push(frames[i]!);
      if (pending) return pending.then(() => this.#push(frames, i + 1));
    }
  }

  #track(pending: Promise<void>): Promise<void> {
    const tail = pending.then(
      () => this.#writer.drained(),
      (error: unknown) => {
        if (this.#error === null) {
          this.#error = error;
          this.#host.fail(error);
        }
        throw error;
      },
    );
    this.#tail = tail;
    void tail.then(
      () => {
        if (this.#tail === tail) this.#tail = null;
      },
      () => undefined,
    );
    return tail;
  }

  /** A message is still inside an async stage (or a stream-form stage holds frames). */
  get busy(): boolean {
    return this.#tail !== null || this.#channel?.idle === false;
  }

  /** No more sends: resolves when every message sent so far has left the stages. */
  async end(): Promise<void> {
    while (this.#tail !== null) await this.#tail.catch(() => undefined);
    await this.#channel?.end();
  }

  /** Refuses every later send with `error`. */
  fail(error: unknown): void {
    this.#error ??= error;
  }
}
