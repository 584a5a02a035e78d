/**
 * Puts frames on a socket. Writes made in the same tick are corked together
 * and leave in one `writev` (a pipelined burst of small messages becomes a few
 * large TCP writes instead of thousands of syscalls). Small frames are
 * serialized into one buffer; large unmasked payloads go out uncopied as
 * header + payload.
 */
import type { Socket } from 'node:net';
import type { Frame } from '../../protocol/frame.js';
import { serializeFrame, serializeFrameParts } from '../../protocol/frameSerializer.js';

const RESOLVED: Promise<void> = Promise.resolve();

// Below this payload size one copy is cheaper than a second writev entry.
const COPY_BELOW = 16 * 1024;

export class FrameWriter {
  readonly #socket: Socket;
  readonly #mask: boolean;
  #corked = false;
  #drain: Promise<void> | null = null;
  /** Bytes handed to the socket since the connection opened (frames only, no HTTP). */
  bytesWritten = 0;

  constructor(socket: Socket, mask: boolean) {
    this.#socket = socket;
    this.#mask = mask;
  }

  /** True while the socket still accepts writes. */
  get writable(): boolean {
    return !this.#socket.destroyed && this.#socket.writable;
  }

  /** Whether the socket's buffer is over its high-water mark (callers should wait for `drained()`). */
  get full(): boolean {
    return this.#socket.writableNeedDrain;
  }

  /** Queues `frame`; returns false if the frame was dropped because the socket is closed. */
  write(frame: Frame): boolean {
    if (!this.writable) return false;
    if (!this.#corked) {
      this.#corked = true;
      this.#socket.cork();
      process.nextTick(this.#uncork);
    }
    const options = { mask: this.#mask };
    if (frame.payload.length < COPY_BELOW) {
      const bytes = serializeFrame(frame, options);
      this.bytesWritten += bytes.length;
      this.#socket.write(bytes);
    } else {
      for (const part of serializeFrameParts(frame, options)) {
        this.bytesWritten += part.length;
        this.#socket.write(part);
      }
    }
    return true;
  }

  #uncork = (): void => {
    this.#corked = false;
    this.#socket.uncork();
  };

  /**
   * Resolves once the socket's buffer has drained (at once if it is not full
   * or is gone). Every waiter shares one promise and one pair of listeners.
   */
  drained(): Promise<void> {
    const socket = this.#socket;
    if (!socket.writableNeedDrain || !this.writable) return RESOLVED;
    if (this.#drain === null) {
      this.#drain = new Promise((resolve) => {
        const done = (): void => {
          socket.off('drain', done);
          socket.off('close', done);
          this.#drain = null;
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
    }
    return this.#drain;
  }

  /** Ends our side of TCP after everything queued has been written. */
  end(): void {
    if (this.#corked) this.#uncork();
    if (!this.#socket.destroyed) this.#socket.end();
  }
}
