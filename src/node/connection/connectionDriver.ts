/**
 * Wires one upgraded socket to the protocol: the connection state machine,
 * the inbound and outbound halves, and the timers (keepalive, pong, close).
 * Each action the state machine returns becomes exactly one socket call or
 * timer here; no protocol decision is made in this file.
 */
import type { Socket } from 'node:net';
import { FrameParser } from '../../protocol/frameParser.js';
import { MessageAssembler } from '../../protocol/messageAssembler.js';
import { encodeClosePayload } from '../../protocol/closePayload.js';
import { CloseCode } from '../../protocol/closeCodes.js';
import { WebSocketError } from '../../protocol/errors.js';
import type { Frame } from '../../protocol/frame.js';
import { Opcode } from '../../protocol/opcodes.js';
import { closeSessions, type NegotiatedExtensions } from '../../negotiation/negotiatedExtensions.js';
import { ConnectionCore, type CloseInfo, type ConnectionAction, type ConnectionRole } from './connectionCore.js';
import { createFrameChannel, type FrameChannel } from './frameChannel.js';
import { FrameWriter } from './frameWriter.js';
import { ConnectionTimers, type TimerOwner } from './connectionTimers.js';
import { Inbound, type InboundHost } from './inbound.js';
import { Outbound, type OutboundHost } from './outbound.js';
import type { ResolvedConnectionOptions } from './options.js';
import type { SendableData } from './messages.js';

export interface DriverInit {
  readonly socket: Socket;
  /** Bytes that arrived with the HTTP upgrade, already past the headers. */
  readonly head: Uint8Array;
  readonly role: ConnectionRole;
  readonly negotiated: NegotiatedExtensions;
  readonly options: ResolvedConnectionOptions;
}

/** Traffic counters: `bytes*` are message payloads as the application sees them, `wire*` what crossed TCP. */
export interface ConnectionStats {
  readonly messagesSent: number;
  readonly messagesReceived: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly wireBytesSent: number;
  readonly wireBytesReceived: number;
}

const ignore = (): void => undefined;

/**
 * Implements the inbound and outbound hosts itself, so the halves talk to it
 * through methods rather than per-connection closures.
 */
export class ConnectionDriver implements InboundHost, OutboundHost, TimerOwner {
  readonly core: ConnectionCore;
  readonly inbound: Inbound;
  readonly outbound: Outbound;
  readonly #socket: Socket;
  readonly #writer: FrameWriter;
  readonly #init: DriverInit;
  readonly #channels: FrameChannel[];
  #closeRequested = false;
  #readerPaused = false;
  readonly #timers = new ConnectionTimers(this);
  /** Settles once the socket is gone and every session has released its resources. */
  readonly closed: Promise<CloseInfo>;

  constructor(init: DriverInit) {
    const { socket, role, negotiated, options } = init;
    this.#init = init;
    this.#socket = socket;
    this.core = new ConnectionCore(role);
    this.#writer = new FrameWriter(socket, role === 'client');
    // Compressed data may be a little larger on the wire than inflated; the
    // real limit is enforced after the extensions (assembler, inflater).
    const sessions = negotiated.sessions;
    const wireLimit = sessions.length === 0 ? options.maxSize : options.maxSize + options.maxSize / 8 + 1024;
    const parser = new FrameParser({ role, maxFramePayload: wireLimit, maxMessageSize: wireLimit, allowedRsv: negotiated.allowedRsv });
    this.inbound = new Inbound({
      socket,
      parser,
      assembler: new MessageAssembler({ maxMessageSize: options.maxSize, validateUtf8: true }),
      highWaterMark: options.readableHighWaterMark,
      host: this,
    });
    this.outbound = new Outbound(this.#writer, options.fragmentSize, this);
    const onError = sessions.length > 0 ? (error: unknown) => this.fail(error) : ignore;
    const incoming = createFrameChannel([...sessions].reverse().map((s) => s.incoming), this.inbound, onError);
    const outgoing = createFrameChannel(sessions.map((s) => s.outgoing), this.outbound, onError);
    this.#channels = [incoming, outgoing];
    this.inbound.setChannel(incoming);
    this.outbound.setChannel(outgoing);

    this.closed = new Promise((resolve) => socket.once('close', () => resolve(this.#teardown())));
    socket.setNoDelay(true);
    socket.setTimeout(0);
    socket.on('error', ignore); // 'close' follows; the state machine reports 1006
    socket.on('data', (chunk: Buffer) => this.inbound.feed(chunk));
    // The peer's FIN: after a close handshake that is the normal end; without
    // one the peer is gone. Either way nothing more will come, so finish our
    // side too (http servers allow half-open sockets, which would linger).
    socket.once('end', () => this.#writer.end());
    this.#timers.startKeepalive(options.pingInterval);
    if (init.head.length > 0) this.inbound.feed(init.head);
  }

  get stats(): ConnectionStats {
    return {
      messagesSent: this.outbound.counters.messages,
      messagesReceived: this.inbound.counters.messages,
      bytesSent: this.outbound.counters.bytes,
      bytesReceived: this.inbound.counters.bytes,
      wireBytesSent: this.#writer.bytesWritten,
      wireBytesReceived: this.inbound.counters.wireBytes,
    };
  }

  send(data: SendableData): Promise<void> {
    return this.outbound.send(data);
  }

  /** Starts the closing handshake once every message already sent is on its way. */
  close(code?: number, reason?: string): void {
    encodeClosePayload(code, reason); // throws now for a code or reason that may not be sent
    if (this.#closeRequested || !this.core.canSend) return;
    this.#closeRequested = true;
    // The deadline runs from the request: an async stage may wait on a socket
    // the peer no longer empties, and our Close would never get out.
    this.#timers.armClose(this.#init.options.closeTimeout);
    void this.outbound.end().then(() => {
      this.#run(this.core.close(code, reason), true);
      this.inbound.drainForClose();
    });
  }

  /** Fails the connection with a typed error (anything else becomes 1011). */
  fail(error: unknown): void {
    const typed =
      error instanceof WebSocketError
        ? error
        : new WebSocketError(`internal error: ${(error as Error)?.message ?? String(error)}`, CloseCode.InternalError, { cause: error });
    const actions = this.core.fail(typed);
    if (actions.length === 0) return;
    this.inbound.error(typed);
    this.outbound.fail(typed);
    for (const channel of this.#channels) channel.abort(typed);
    this.#run(actions);
  }

  /** OutboundHost: data may go out until Close is sent or requested. */
  canSend(): boolean {
    return this.core.canSend && !this.#closeRequested;
  }

  /** InboundHost: the application cancelled the readable. */
  readerCancelled(): void {
    this.close(CloseCode.Normal);
  }

  /**
   * InboundHost: our reader is full and the socket paused. A pong sent by a
   * healthy peer would sit unread, so the pong deadline waits meanwhile and
   * restarts in full once reading resumes.
   */
  readerBackpressure(paused: boolean): void {
    this.#readerPaused = paused;
    if (paused) this.#timers.stopPong();
    else if (this.core.awaitingPong) this.#timers.armPong(this.#init.options.pongTimeout);
  }

  /** InboundHost: a ping, pong or close frame from the peer. */
  control(frame: Frame): void {
    let actions: ConnectionAction[];
    try {
      actions = this.core.receiveControl(frame, this.#writer.full);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.#run(actions);
    // The peer is not reading what we write: read nothing more from it until
    // it does, then answer its latest ping (if one was held back).
    if (this.#writer.full && !this.inbound.held) {
      this.inbound.holdUntil(this.#writer.drained().then(() => this.#run(this.core.sendHeld())));
    }
  }

  /** Executes actions in order; `outboundDone` once pending outgoing work has been waited for. */
  #run(actions: readonly ConnectionAction[], outboundDone = false): void {
    for (let i = 0; i < actions.length; i++) {
      const action = actions[i]!;
      switch (action.type) {
        case 'send':
          if (!outboundDone && action.frame.opcode === Opcode.Close && this.core.failure === null && this.outbound.busy) {
            // Answering the peer's Close while a message is still inside an
            // async stage: finish that message first (RFC 6455 §5.5.1 allows
            // the delay; data after our Close would break the protocol).
            const rest = actions.slice(i);
            this.#timers.armClose(this.#init.options.closeTimeout); // that message may never get out
            void this.outbound.end().then(() => this.#run(rest, true));
            return;
          }
          this.#writer.write(action.frame);
          break;
        case 'end':
          this.#writer.end();
          break;
        case 'destroy':
          this.#socket.destroy();
          break;
        case 'awaitClose':
          this.#timers.armClose(this.#init.options.closeTimeout);
          break;
        case 'peerClosed':
          this.inbound.finish();
          this.#closeRequested = true;
          break;
      }
    }
  }

  /** Keepalive tick: ping, then arm the pong timer. */
  ping(): void {
    if (this.#readerPaused) return; // its pong could not be read: no deadline to run
    const actions = this.core.ping();
    if (actions.length === 0) return; // closing, or the previous ping's pong timer is still running
    this.#run(actions);
    this.#timers.armPong(this.#init.options.pongTimeout);
  }

  /** TimerOwner: no pong in time — the peer is presumed gone. */
  pongTimedOut(): void {
    this.#run(this.core.pongTimedOut());
  }

  /** TimerOwner: the closing handshake took too long. */
  closeTimedOut(): void {
    this.#run(this.core.closeTimedOut());
  }

  async #teardown(): Promise<CloseInfo> {
    this.#timers.clear();
    const info = this.core.transportClosed();
    if (info.error !== undefined) {
      this.inbound.error(info.error);
      for (const channel of this.#channels) channel.abort(info.error);
    }
    this.outbound.fail(info.error ?? new DOMException('the connection is closed', 'InvalidStateError'));
    this.#socket.removeAllListeners('data');
    // A session's close() is third-party code: give it closeTimeout, no more.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.#init.options.closeTimeout).unref()));
    await Promise.race([closeSessions(this.#init.negotiated.sessions).catch(() => undefined), deadline]);
    clearTimeout(timer);
    return info;
  }
}
