/**
 * Puts frames on a socket. Small frames written in the same tick are
 * serialized and then joined into one buffer, handed to the socket in a
 * single write when the tick ends: a pipelined burst of 200-byte messages
 * becomes a few large TCP writes, and Node's per-chunk cost (a `writev` entry
 * per buffer) is paid once per batch instead of once per frame. Large
 * payloads are not copied: they go out as header + payload, in order after
 * the batch before them.
 */
import type { Socket } from 'node:net';
import type { Frame } from '../../protocol/frame.js';
import { serializeFrame, serializeFrameParts } from '../../protocol/frameSerializer.js';

const RESOLVED: Promise<void> = Promise.resolve();

// Below this payload size one copy into the batch is cheaper than a separate write.
const COPY_BELOW = 16 * 1024;
// A batch is flushed early once it holds this much, bounding the copy.
const BATCH_LIMIT = 256 * 1024;

function flushWriter(writer: FrameWriter): void {
  writer.flush();
}

export class FrameWriter {
  readonly #socket: Socket;
  readonly #mask: boolean;
  #batch: Uint8Array[] = [];
  #batchBytes = 0;
  #scheduled = false;
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

  /** Queues `frame`; returns false if it was dropped because the socket is closed. */
  write(frame: Frame): boolean {
    if (!this.writable) return false;
    const options = { mask: this.#mask, pooled: true }; // batched frames only go to the socket: the slab is safe
    if (frame.payload.length < COPY_BELOW) {
      const bytes = serializeFrame(frame, options);
      this.#batch.push(bytes);
      this.#batchBytes += bytes.length;
      if (this.#batchBytes >= BATCH_LIMIT) this.flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        process.nextTick(flushWriter, this);
      }
      return true;
    }
    this.flush();
    const parts = serializeFrameParts(frame, options);
    this.#socket.cork();
    for (const part of parts) {
      this.bytesWritten += part.length;
      this.#socket.write(part);
    }
    this.#socket.uncork();
    return true;
  }

  /** Hands the batched frames to the socket now (normally done at the end of the tick). */
  flush(): void {
    this.#scheduled = false;
    const batch = this.#batch;
    if (batch.length === 0) return;
    const bytes = batch.length === 1 ? batch[0]! : Buffer.concat(batch, this.#batchBytes);
    this.#batch = [];
    this.#batchBytes = 0;
    if (!this.writable) return;
    this.bytesWritten += bytes.length;
    this.#socket.write(bytes);
  }

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
    this.flush();
    if (!this.#socket.destroyed) this.#socket.end();
  }
}
