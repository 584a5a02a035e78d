/**
 * The life of one open WebSocket connection as a sans-I/O state machine:
 * control frames in, actions out. It owns the rules of RFC 6455 §5.5 and §7 —
 * answer pings, echo the peer's close code, stop sending after our close,
 * who closes the TCP connection, what `closed` reports — and nothing else.
 * Timers, sockets and data frames belong to the I/O layer, which turns every
 * returned action into a write, a socket call or a timer.
 *
 *   open ──close()/peer Close──► closing ──both Close frames──► closed
 *     └────────fail(error) / transport gone──────────────────────┘
 */
import { CloseCode } from '../../protocol/closeCodes.js';
import { decodeClosePayload, encodeClosePayload } from '../../protocol/closePayload.js';
import { safeClosePayload } from './closeReason.js';
import { ConnectionLostError, ProtocolError, WebSocketError } from '../../protocol/errors.js';
import { createFrame, type Frame } from '../../protocol/frame.js';
import { Opcode } from '../../protocol/opcodes.js';

export type ConnectionRole = 'client' | 'server';
export type ConnectionState = 'open' | 'closing' | 'closed';

/** Something the I/O layer must do, in order. */
export type ConnectionAction =
  /** Write this control frame. */
  | { readonly type: 'send'; readonly frame: Frame }
  /** Close our side of TCP gracefully (FIN after pending writes). */
  | { readonly type: 'end' }
  /** Tear the socket down now. */
  | { readonly type: 'destroy' }
  /** Arm the close timer: if the transport is not gone in time, call `closeTimedOut()`. */
  | { readonly type: 'awaitClose' }
  /** The peer's Close arrived: no more data will come, finish the readable side. */
  | { readonly type: 'peerClosed'; readonly code: number; readonly reason: string };

/** How the connection ended, as `closed` reports it. */
export interface CloseInfo {
  /** The code from the peer's Close (1005 if it had none), the code we failed with, or 1006. */
  readonly closeCode: number;
  readonly reason: string;
  /** True when both Close frames were exchanged before the transport went away. */
  readonly wasClean: boolean;
  /** The error that failed the connection, if one did. */
  readonly error?: WebSocketError;
}

export class ConnectionCore {
  readonly role: ConnectionRole;
  #state: ConnectionState = 'open';
  #sentClose = false;
  #received: { code: number; reason: string } | null = null;
  #failure: WebSocketError | null = null;
  #awaitingPong = false;
  // The payload of the latest ping not yet answered because our writes are backed up.
  #heldPong: Uint8Array | null = null;

  constructor(role: ConnectionRole) {
    this.role = role;
  }

  get state(): ConnectionState {
    return this.#state;
  }
  /** Data frames may still be written (we have not sent Close). */
  get canSend(): boolean {
    return !this.#sentClose && this.#failure === null;
  }
  /** Data frames from the peer are still wanted (its Close has not arrived, nothing failed). */
  get canReceive(): boolean {
    return this.#received === null && this.#failure === null && this.#state !== 'closed';
  }
  /** The error the connection failed with, once it has. */
  get failure(): WebSocketError | null {
    return this.#failure;
  }
  get awaitingPong(): boolean {
    return this.#awaitingPong;
  }

  /**
   * Handles one control frame from the peer. Protocol errors are thrown for
   * the caller's `fail()`. `writesBlocked`: our socket's buffer is full, so a
   * pong is held back (see `sendHeld()`) instead of piling up behind it.
   */
  receiveControl(frame: Frame, writesBlocked = false): ConnectionAction[] {
    switch (frame.opcode) {
      case Opcode.Ping:
        // A pong answers with the same payload (§5.5.3); none once we sent Close.
        if (this.#sentClose || this.#state === 'closed') return [];
        // §5.5.3 lets us answer only the most recent of several pings: a
        // flood from a peer that does not read costs one pong, not one each.
        if (writesBlocked) {
          this.#heldPong = frame.payload;
          return [];
        }
        this.#heldPong = null;
        return [this.#send(Opcode.Pong, frame.payload)];
      case Opcode.Pong:
        this.#awaitingPong = false;
        return [];
      case Opcode.Close:
        return this.#receiveClose(frame.payload);
      default:
        throw new ProtocolError(`opcode ${frame.opcode} is not a control frame`);
    }
  }

  #receiveClose(payload: Uint8Array): ConnectionAction[] {
    if (this.#received !== null || this.#state === 'closed') return [];
    const { code, reason } = decodeClosePayload(payload);
    this.#received = { code, reason };
    const actions: ConnectionAction[] = [{ type: 'peerClosed', code, reason }];
    if (!this.#sentClose) {
      // Echo the code (§5.5.1); a peer's "no status" is answered with an empty Close.
      this.#sentClose = true;
      actions.push(this.#send(Opcode.Close, code === CloseCode.NoStatus ? new Uint8Array(0) : encodeClosePayload(code)));
    }
    this.#state = 'closed';
    actions.push(...this.#afterHandshake());
    return actions;
  }

  // Both Close frames are exchanged: the server closes TCP first (§7.1.1);
  // the client waits for that, bounded by the close timer.
  #afterHandshake(): ConnectionAction[] {
    return this.role === 'server' ? [{ type: 'end' }, { type: 'awaitClose' }] : [{ type: 'awaitClose' }];
  }

  /**
   * Starts the closing handshake. Validates code and reason first (throws a
   * `RangeError` for an unsendable code or a reason over 123 bytes: a local mistake).
   */
  close(code?: number, reason?: string): ConnectionAction[] {
    const payload = encodeClosePayload(code, reason);
    if (this.#sentClose || this.#state === 'closed') return [];
    this.#sentClose = true;
    this.#state = 'closing';
    return [this.#send(Opcode.Close, payload), { type: 'awaitClose' }];
  }

  /**
   * Fails the connection (§7.1.7) because of `error`: send a Close with its
   * code if we still may, then drop the transport. The first failure wins.
   */
  fail(error: WebSocketError): ConnectionAction[] {
    if (this.#failure !== null || this.#state === 'closed') return [];
    this.#failure = error;
    const actions: ConnectionAction[] = [];
    if (!this.#sentClose && !(error instanceof ConnectionLostError)) {
      this.#sentClose = true;
      actions.push(this.#send(Opcode.Close, safeClosePayload(error)));
    }
    this.#state = 'closed';
    // A failing endpoint does not wait for the peer (§7.1.7); 'end' flushes our Close first.
    actions.push(error instanceof ConnectionLostError ? { type: 'destroy' } : { type: 'end' }, { type: 'awaitClose' });
    return actions;
  }

  /**
   * Sends a ping (keepalive); the next pong clears `awaitingPong`. While a
   * pong is still awaited no new ping goes out, so the pong timer of the first
   * one decides, whatever the ratio of ping interval to pong timeout.
   */
  ping(payload: Uint8Array = new Uint8Array(0)): ConnectionAction[] {
    if (!this.canSend || this.#awaitingPong) return [];
    this.#awaitingPong = true;
    return [this.#send(Opcode.Ping, payload)];
  }

  /** Our writes drained: send the pong held back, if it may still go out. */
  sendHeld(): ConnectionAction[] {
    const payload = this.#heldPong;
    this.#heldPong = null;
    return payload === null || this.#sentClose || this.#state === 'closed' ? [] : [this.#send(Opcode.Pong, payload)];
  }

  /** The pong timer fired: if no pong came, the peer is presumed gone (half-open). */
  pongTimedOut(): ConnectionAction[] {
    if (!this.#awaitingPong) return [];
    return this.fail(new ConnectionLostError('no pong within the pong timeout; peer presumed gone'));
  }

  /** The close timer fired before the transport closed: stop waiting. */
  closeTimedOut(): ConnectionAction[] {
    this.#state = 'closed';
    return [{ type: 'destroy' }];
  }

  /** The transport is gone (socket 'close'): returns what `closed` reports. */
  transportClosed(): CloseInfo {
    this.#state = 'closed';
    if (this.#failure !== null) {
      return { closeCode: this.#failure.closeCode, reason: this.#failure.message, wasClean: false, error: this.#failure };
    }
    if (this.#received !== null) {
      return { closeCode: this.#received.code, reason: this.#received.reason, wasClean: this.#sentClose };
    }
    const error = new ConnectionLostError();
    this.#failure = error;
    return { closeCode: CloseCode.Abnormal, reason: '', wasClean: false, error };
  }

  #send(opcode: Opcode, payload: Uint8Array): ConnectionAction {
    return { type: 'send', frame: createFrame(opcode, payload) };
  }
}
