/**
 * What a connection's `opened` resolves with (WebSocketStream's
 * `{ readable, writable, extensions, protocol }`), and the sink behind its
 * writable. Both are classes so a connection costs no closures for them.
 */
import { CloseCode } from '../../protocol/closeCodes.js';
import { WebSocketError } from '../../protocol/errors.js';
import type { ConnectionDriver } from './connectionDriver.js';
import type { SendableData, WebSocketData } from './messages.js';
import type { OpenInfo } from './webSocketConnection.js';

/** Sink of a connection's writable: each chunk is one message. Methods, not closures. */
class MessageSink implements UnderlyingSink<SendableData> {
  constructor(private readonly driver: ConnectionDriver) {}

  write(chunk: SendableData): Promise<void> {
    return this.driver.send(chunk);
  }

  /** Closing the writable closes the connection normally. */
  close(): void {
    this.driver.close(CloseCode.Normal);
  }

  /** Aborting closes with the reason's code when it is a sendable WebSocketError. */
  abort(reason: unknown): void {
    const code = reason instanceof WebSocketError && reason.closeCode !== CloseCode.Abnormal ? reason.closeCode : CloseCode.Normal;
    try {
      this.driver.close(code);
    } catch {
      this.driver.close(CloseCode.Normal);
    }
  }
}

/**
 * What `opened` resolves with. The writable is built on first use: many
 * servers only call `send()`, and a WritableStream costs about a kilobyte per
 * connection.
 */
export class OpenedConnection implements OpenInfo {
  readonly readable: ReadableStream<WebSocketData>;
  readonly extensions: string;
  readonly protocol: string;
  readonly #driver: ConnectionDriver;
  #writable: WritableStream<SendableData> | undefined;

  constructor(driver: ConnectionDriver, extensions: string, protocol: string) {
    this.#driver = driver;
    this.readable = driver.inbound.readable;
    this.extensions = extensions;
    this.protocol = protocol;
  }

  get writable(): WritableStream<SendableData> {
    return (this.#writable ??= new WritableStream<SendableData>(new MessageSink(this.#driver)));
  }
}
