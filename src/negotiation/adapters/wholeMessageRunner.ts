/**
 * Runs one whole message at a time through a wsx stage of any form, for hosts
 * (faye's `websocket-extensions`) that hand extensions complete messages:
 *   - `message` stages: `process` directly;
 *   - `frame` stages: the message as a single fin frame, the output frames joined;
 *   - `transform` / `operator` stages: one long-lived TransformStream per
 *     direction (stateful codecs keep their context across messages); the
 *     message goes in as one fin frame and frames are read up to the next fin.
 *     Such a stage must emit a message's last frame once its input's last frame
 *     is in, which any stage fit for interactive traffic does.
 * Messages run strictly one after another, so output order is input order.
 */
import { ExtensionError, InvalidDataError, WebSocketError } from '../../protocol/errors.js';
import type { Stage } from '../../protocol/extension.js';
import type { Frame } from '../../protocol/frame.js';
import type { Message } from '../../protocol/message.js';
import { isDataOpcode } from './dataOpcode.js';

export class WholeMessageRunner {
  private queue: Promise<unknown> = Promise.resolve();
  private stream: { writer: WritableStreamDefaultWriter<Frame>; reader: ReadableStreamDefaultReader<Frame> } | null = null;
  private readonly controller = new AbortController();

  /**
   * `direction` decides what an untyped failure of the stage means: on
   * `incoming` the peer's data could not be decoded (`InvalidDataError`,
   * 1007), on `outgoing` our side failed (`ExtensionError`, 1011).
   */
  constructor(
    private readonly stage: Stage,
    private readonly name: string,
    private readonly direction: 'incoming' | 'outgoing',
  ) {}

  /** Processes `message` after every message submitted before it. */
  run(message: Message): Promise<Message> {
    const result = this.queue.then(() => this.runNow(message));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Waits for queued messages, then releases the stream (if any) and aborts long work. */
  async close(): Promise<void> {
    await this.queue;
    this.controller.abort();
    if (this.stream) {
      const { writer, reader } = this.stream;
      this.stream = null;
      await Promise.allSettled([writer.close(), reader.cancel()]);
    }
  }

  private async runNow(message: Message): Promise<Message> {
    if (this.controller.signal.aborted) throw new ExtensionError(`${this.name}: session is closed`);
    try {
      const { stage } = this;
      const context = { signal: this.controller.signal };
      if (stage.kind === 'message') return await stage.process(message, context);
      const frame: Frame = { fin: true, rsv1: message.rsv1, rsv2: message.rsv2, rsv3: message.rsv3, opcode: message.opcode, payload: message.data };
      if (stage.kind === 'frame') {
        const out = await stage.process(frame, context);
        return this.join(Array.isArray(out) ? (out as readonly Frame[]) : [out as Frame]);
      }
      return this.join(await this.throughStream(frame));
    } catch (error) {
      if (error instanceof WebSocketError) throw error;
      const Failure = this.direction === 'incoming' ? InvalidDataError : ExtensionError;
      throw new Failure(`${this.name}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
    }
  }

  private async throughStream(frame: Frame): Promise<Frame[]> {
    if (!this.stream) {
      const stream = (this.stage as Extract<Stage, { create(): unknown }>).create();
      this.stream = { writer: stream.writable.getWriter(), reader: stream.readable.getReader() };
    }
    const { writer, reader } = this.stream;
    // Not awaited before reading: the write only completes once the stage's
    // output is pulled, so awaiting first could deadlock on backpressure.
    const written = writer.write(frame);
    written.catch(() => undefined);
    const frames: Frame[] = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new ExtensionError(`${this.name}: stage ended in the middle of a message`);
      frames.push(value);
      if (value.fin) break;
    }
    await written;
    return frames;
  }

  /** Joins output frames back into one message (opcode and RSV bits of the first frame, RFC 7692 §6). */
  private join(frames: readonly Frame[]): Message {
    const first = frames[0];
    if (!first) throw new ExtensionError(`${this.name}: stage dropped the message`);
    if (!isDataOpcode(first.opcode)) throw new ExtensionError(`${this.name}: stage returned opcode ${first.opcode}`);
    let data = first.payload;
    if (frames.length > 1) {
      data = new Uint8Array(frames.reduce((n, f) => n + f.payload.length, 0));
      let offset = 0;
      for (const f of frames) {
        data.set(f.payload, offset);
        offset += f.payload.length;
      }
    }
    return { opcode: first.opcode, rsv1: first.rsv1, rsv2: first.rsv2, rsv3: first.rsv3, data };
  }
}
