/**
 * The receiving half of a connection: socket bytes → frames → incoming
 * extension stages → messages → the application's ReadableStream.
 *
 * Everything one socket read yields is parsed in one call, then processed
 * frame by frame while the readable wants more. When its queue is full the
 * remaining frames wait here (still compressed, so small) and the socket is
 * paused: TCP's window closes and the peer's writes stop. A reader that pulls
 * again resumes both. Memory stays bounded by the queue's high-water mark,
 * one message (`maxSize`) and one socket read.
 */
import type { Socket } from 'node:net';
import type { Frame } from '../../protocol/frame.js';
import type { FrameParser } from '../../protocol/frameParser.js';
import type { MessageAssembler } from '../../protocol/messageAssembler.js';
import { isControlOpcode } from '../../protocol/opcodes.js';
import type { FrameChannel, FrameSink } from './frameChannel.js';
import { dataSize, fromMessage, type WebSocketData } from './messages.js';

export interface InboundCounters {
  messages: number;
  bytes: number;
  wireBytes: number;
}

/** What the inbound half reports to the connection. */
export interface InboundHost {
  /** Ping, pong and close frames, in wire order relative to data. */
  control(frame: Frame): void;
  /** Any typed error from parsing, stages or assembly: the connection fails. */
  fail(error: unknown): void;
  /** The reader cancelled: the connection should close. */
  readerCancelled(): void;
  /**
   * Reading from the socket stopped (`true`) or restarted (`false`) because
   * the application's queue is full: nothing from the peer, pongs included,
   * is seen meanwhile.
   */
  readerBackpressure(paused: boolean): void;
}

export interface InboundOptions {
  readonly socket: Socket;
  readonly parser: FrameParser;
  readonly assembler: MessageAssembler;
  /** Bytes of messages queued for the reader before the socket is paused. */
  readonly highWaterMark: number;
  readonly host: InboundHost;
}

/**
 * The class is its own ReadableStream source (`start`/`pull`/`cancel` are
 * methods) and its own frame sink: no closures per connection.
 */
export class Inbound implements UnderlyingDefaultSource<WebSocketData>, FrameSink {
  readonly readable: ReadableStream<WebSocketData>;
  readonly counters: InboundCounters = { messages: 0, bytes: 0, wireBytes: 0 };
  #channel: FrameChannel | null = null;
  readonly #socket: Socket;
  readonly #parser: FrameParser;
  readonly #assembler: MessageAssembler;
  readonly #host: InboundHost;
  #controller!: ReadableStreamDefaultController<WebSocketData>;
  #inbox: Frame[] = [];
  #next = 0;
  #waiting = false; // an async stage is working on a frame
  #paused = false;
  #readerFull = false; // paused because the application's queue is full
  #held = false; // our writes are backed up: read nothing, not even control frames, until they drain
  #done = false; // no more frames will be processed
  #ended = false; // the readable is closed or errored
  #draining = false; // our Close is out: read on regardless, so the peer's Close can reach us
  #discarding = false; // draining with a full reader: data frames are dropped unprocessed
  #violation: unknown = undefined; // a parse error held until the frames the same read completed before it are handled

  constructor(options: InboundOptions) {
    this.#socket = options.socket;
    this.#parser = options.parser;
    this.#assembler = options.assembler;
    this.#host = options.host;
    this.readable = new ReadableStream<WebSocketData>(this, { highWaterMark: options.highWaterMark, size: dataSize });
  }

  /** ReadableStream source: keeps the controller. */
  start(controller: ReadableStreamDefaultController<WebSocketData>): void {
    this.#controller = controller;
  }

  /** ReadableStream source: the reader wants more. */
  pull(): void {
    this.#setReaderFull(false);
    this.#drain();
  }

  /** ReadableStream source: the reader gave up. */
  cancel(): void {
    // Data is dropped from now on, but frames are still read: the peer's
    // Close must arrive for a clean closing handshake.
    this.#ended = true;
    this.#setReaderFull(false);
    this.#host.readerCancelled();
  }

  /** Connects the incoming extension stages (their output comes back through `deliver`). */
  setChannel(channel: FrameChannel): void {
    this.#channel = channel;
  }

  /** Delivers a processed data frame: assemble, convert, enqueue. */
  deliver(frame: Frame): void {
    const message = this.#assembler.push(frame);
    if (message === null || this.#ended) return;
    this.counters.messages++;
    this.counters.bytes += message.data.length;
    this.#controller.enqueue(fromMessage(message));
  }

  /** Bytes from the socket. */
  feed(chunk: Uint8Array): void {
    // After a violation nothing more is parsed: the frames before it finish, then the connection fails.
    if (this.#done || this.#violation !== undefined) return;
    this.counters.wireBytes += chunk.length;
    let frames: Frame[];
    try {
      frames = this.#parser.push(chunk);
    } catch (error) {
      this.#done = true;
      this.#host.fail(error);
      return;
    }
    // Frames before a violation in this read still count (a Close among them
    // ends the connection cleanly): fail only once they are handled.
    if (this.#parser.error !== undefined) this.#violation = this.#parser.error;
    if (frames.length === 0) return;
    if (this.#next === this.#inbox.length) {
      this.#inbox = frames;
      this.#next = 0;
    } else {
      for (const frame of frames) this.#inbox.push(frame);
    }
    this.#drain();
  }

  #drain(): void {
    const channel = this.#channel!;
    while (!this.#done && !this.#waiting && !this.#held && this.#next < this.#inbox.length) {
      const frame = this.#inbox[this.#next]!;
      if (isControlOpcode(frame.opcode)) {
        this.#next++;
        this.#host.control(frame);
        continue;
      }
      // With a violation pending the rest of this read is handled regardless of the reader (bounded by one read).
      if (!this.#ended && !this.#discarding && this.#violation === undefined && this.#controller.desiredSize! <= 0) {
        if (!this.#draining) {
          this.#pause();
          this.#setReaderFull(true);
          return;
        }
        // Our Close is out and the reader is full: keep reading for the
        // peer's Close but drop its data unprocessed, or a peer ignoring our
        // Close could queue without limit. For good: a compressed stream
        // cannot be resumed after a skipped message.
        this.#discarding = true;
      }
      this.#next++;
      if (this.#discarding) continue;
      let result: void | Promise<void>;
      try {
        result = channel.push(frame);
      } catch (error) {
        this.#fail(error);
        return;
      }
      if (result) {
        this.#waiting = true;
        this.#pause();
        result.then(
          () => {
            this.#waiting = false;
            this.#drain();
          },
          (error: unknown) => this.#fail(error),
        );
        return;
      }
    }
    if (this.#next === this.#inbox.length) {
      this.#inbox = [];
      this.#next = 0;
      if (this.#violation !== undefined && !this.#done && !this.#waiting) {
        this.#fail(this.#violation);
        return;
      }
      this.#resume();
    }
  }

  #fail(error: unknown): void {
    this.#stop();
    this.#host.fail(error);
  }

  #setReaderFull(full: boolean): void {
    if (this.#readerFull === full) return;
    this.#readerFull = full;
    this.#host.readerBackpressure(full);
  }

  #pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#socket.pause();
  }

  #resume(): void {
    if (!this.#paused || this.#done || this.#held) return;
    this.#paused = false;
    this.#socket.resume();
  }

  get held(): boolean {
    return this.#held;
  }

  /**
   * Stops reading until `until` settles: each ping we read would add a pong
   * to a write buffer the peer is not emptying, so the peer's control frames
   * get the same TCP backpressure as its data.
   */
  holdUntil(until: Promise<unknown>): void {
    if (this.#held) return;
    this.#held = true;
    this.#pause();
    const release = (): void => {
      this.#held = false;
      this.#drain();
    };
    until.then(release, release);
  }

  #stop(): void {
    this.#done = true;
    this.#inbox = [];
    this.#next = 0;
  }

  /**
   * We sent Close. The peer's answer may sit behind data it sent earlier; if
   * the application is not reading, backpressure would keep that answer from
   * us until the close timeout. So from now on frames are read regardless
   * (the close timer bounds how long that can last).
   */
  drainForClose(): void {
    this.#draining = true;
    this.#drain();
  }

  /**
   * The peer's Close arrived (every data frame before it has been pushed):
   * ignore anything after it and end the readable once the stages flushed.
   */
  finish(): void {
    this.#done = true;
    this.#inbox = [];
    this.#next = 0;
    // Keep reading so the peer's TCP FIN is seen; data after Close is ignored.
    if (this.#paused) this.#socket.resume();
    this.#channel!.end().then(
      () => this.#close(),
      (error: unknown) => this.error(error),
    );
  }

  #close(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#controller.close();
  }

  /** Errors the readable (connection failed or lost); queued messages are discarded. */
  error(error: unknown): void {
    this.#stop();
    if (this.#ended) return;
    this.#ended = true;
    this.#controller.error(error);
  }
}
