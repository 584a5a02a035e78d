/**
 * The public connection object, shaped like the browser's WebSocketStream:
 * `opened` gives the readable/writable pair and what was negotiated, `closed`
 * says how it ended, `close()` ends it. `send()` and async iteration are
 * shortcuts over the same streams; `wsx/node/rx` adds an Observable view.
 */
import type { CloseInfo } from './connectionCore.js';
import { OpenedConnection } from './openedConnection.js';
import { ConnectionDriver, type ConnectionStats, type DriverInit } from './connectionDriver.js';
import type { SendableData, WebSocketData } from './messages.js';
import type { ExtensionSession } from '../../protocol/extension.js';
import { CloseCode } from '../../protocol/closeCodes.js';
import { ConnectionLostError, WebSocketError } from '../../protocol/errors.js';

export interface OpenInfo {
  /** Messages from the peer: `string` for text, `Uint8Array` for binary. */
  readonly readable: ReadableStream<WebSocketData>;
  /** Messages to the peer; closing it closes the connection with 1000. */
  readonly writable: WritableStream<SendableData>;
  /** The agreed Sec-WebSocket-Extensions value, `''` for none. */
  readonly extensions: string;
  /** The agreed subprotocol, `''` for none. */
  readonly protocol: string;
}

export type { CloseInfo } from './connectionCore.js';

const ignore = (): void => undefined;

/**
 * A plain iterator object rather than an async generator: a suspended
 * generator would keep the last message alive for as long as the connection
 * sits idle.
 */
class MessageIterator implements AsyncIterator<WebSocketData> {
  #reader: ReadableStreamDefaultReader<WebSocketData> | null = null;
  #finished = false;
  constructor(private readonly opened: Promise<OpenInfo>) {}

  async next(): Promise<IteratorResult<WebSocketData>> {
    if (this.#finished) return { done: true, value: undefined };
    this.#reader ??= (await this.opened).readable.getReader();
    const result = await this.#reader.read().catch((error: unknown) => {
      this.#release();
      throw error;
    });
    if (result.done) this.#release();
    return result.done ? { done: true, value: undefined } : result;
  }

  async return(): Promise<IteratorResult<WebSocketData>> {
    this.#release();
    return { done: true, value: undefined };
  }

  #release(): void {
    this.#finished = true;
    this.#reader?.releaseLock();
    this.#reader = null;
  }
}

/** Connection internals reach the object through these keys; they are not public API. */
export const attachSocket = Symbol('wsx.attachSocket');
export const rejectHandshake = Symbol('wsx.rejectHandshake');

export interface AttachInit extends DriverInit {
  readonly protocol: string;
}

/**
 * @example
 * const connection = connect('ws://127.0.0.1:8080');
 * const { readable, writable, extensions } = await connection.opened;
 * await connection.send('hello');
 * for await (const message of connection) console.log(message);
 * const { closeCode, reason } = await connection.closed;
 */
export class WebSocketConnection implements AsyncIterable<WebSocketData> {
  readonly url: string;
  readonly opened: Promise<OpenInfo>;
  readonly closed: Promise<CloseInfo>;
  #driver: ConnectionDriver | null = null;
  #open!: { resolve: (info: OpenInfo) => void; reject: (error: unknown) => void };
  #settleClosed!: (info: CloseInfo | Promise<CloseInfo>) => void;
  #info: OpenInfo | null = null;
  #sessions: readonly ExtensionSession[] = [];
  readonly #abortHandshake: ((error: Error) => void) | undefined;
  #handshakeDone = false;

  /** Built by `connect()` and `serve()`; not meant to be constructed directly. */
  constructor(url: string, abortHandshake?: (error: Error) => void) {
    this.url = url;
    this.#abortHandshake = abortHandshake;
    this.opened = new Promise((resolve, reject) => (this.#open = { resolve, reject }));
    this.opened.catch(ignore); // a failed handshake is also reported through `closed`
    this.closed = new Promise((resolve) => (this.#settleClosed = resolve));
  }

  /** The agreed subprotocol ('' before open or for none). */
  get protocol(): string {
    return this.#info?.protocol ?? '';
  }
  /** The agreed Sec-WebSocket-Extensions value ('' before open or for none). */
  get extensions(): string {
    return this.#info?.extensions ?? '';
  }
  /** The live extension sessions, in negotiated order. */
  get sessions(): readonly ExtensionSession[] {
    return this.#sessions;
  }
  /** 'connecting' until the upgrade is done, then the state machine's 'open' | 'closing' | 'closed'. */
  get readyState(): 'connecting' | 'open' | 'closing' | 'closed' {
    if (this.#driver !== null) return this.#driver.core.state;
    return this.#handshakeDone ? 'closed' : 'connecting';
  }

  get stats(): ConnectionStats {
    return (
      this.#driver?.stats ?? {
        messagesSent: 0,
        messagesReceived: 0,
        bytesSent: 0,
        bytesReceived: 0,
        wireBytesSent: 0,
        wireBytesReceived: 0,
      }
    );
  }

  /**
   * Sends one message; resolves when the socket can take more (backpressure).
   * While the handshake is still running the message waits for it.
   */
  send(data: SendableData): Promise<void> {
    if (this.#driver !== null) return this.#driver.send(data);
    if (!this.#handshakeDone) return this.opened.then(() => this.send(data));
    return Promise.reject(new DOMException('the connection is not open', 'InvalidStateError'));
  }

  /**
   * Starts the closing handshake (default code: none, reported as 1005 by the
   * peer). An unsendable code or a reason over 123 UTF-8 bytes throws.
   * Before the handshake finished, it is aborted instead.
   */
  close(options: { closeCode?: number; reason?: string } = {}): void {
    if (this.#driver === null) {
      if (!this.#handshakeDone) this.#abortHandshake?.(new ConnectionLostError('closed before the handshake finished'));
      return;
    }
    this.#driver.close(options.closeCode ?? (options.reason ? CloseCode.Normal : undefined), options.reason);
  }

  /**
   * Iterates the messages. Leaving the loop early (`break`) releases the
   * reader but keeps the connection open; a failed connection throws its error.
   */
  [Symbol.asyncIterator](): AsyncIterator<WebSocketData> {
    return new MessageIterator(this.opened);
  }

  /**
   * Internal: the upgrade succeeded; start speaking WebSocket on `init.socket`.
   * With `failure` (the client refused the server's extensions) the new
   * connection is failed at once: Close with the error's code (1010) is sent,
   * `opened` rejects, `closed` reports it.
   */
  [attachSocket](init: AttachInit, failure?: WebSocketError): void {
    this.#handshakeDone = true;
    const driver = new ConnectionDriver(init);
    if (failure !== undefined) {
      driver.fail(failure);
      this.#open.reject(failure);
      this.#settleClosed(driver.closed);
      return;
    }
    this.#driver = driver;
    this.#sessions = init.negotiated.sessions;
    this.#info = new OpenedConnection(driver, init.negotiated.header ?? '', init.protocol);
    this.#settleClosed(driver.closed);
    this.#open.resolve(this.#info);
  }

  /** Internal: the handshake failed; nothing was established. */
  [rejectHandshake](error: Error): void {
    if (this.#handshakeDone) return;
    this.#handshakeDone = true;
    this.#open.reject(error);
    const closeCode = error instanceof WebSocketError && error.closeCode !== CloseCode.ProtocolError ? error.closeCode : CloseCode.Abnormal;
    this.#settleClosed({
      closeCode,
      reason: error.message,
      wasClean: false,
      error: error instanceof WebSocketError ? error : new ConnectionLostError(error.message, { cause: error }),
    });
  }
}
