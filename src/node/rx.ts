/**
 * The Rx view of a connection (`wsx/node/rx`). A separate entry point so
 * plain users never load rxjs, which is an optional peer dependency.
 * Backpressure is kept: `messages$` reads the connection's readable one value
 * at a time, `sendAll` waits for each `send()` before taking the next value.
 */
import { concatMap, defer, from, ignoreElements, type Observable, share, switchMap } from 'rxjs';
import { fromReadableStream } from '../operators/fromReadableStream.js';
import type { CloseInfo, WebSocketConnection } from './connection/webSocketConnection.js';
import type { SendableData, WebSocketData } from './connection/messages.js';

export interface RxConnection {
  /**
   * Messages from the peer, shared among subscribers; completes when the peer
   * closes cleanly, errors when the connection fails. Unsubscribing every
   * subscriber cancels the readable, which closes the connection with 1000.
   */
  readonly messages$: Observable<WebSocketData>;
  /** Emits once with how the connection ended, then completes. */
  readonly closed$: Observable<CloseInfo>;
  /** Sends one message (resolves when the socket can take more). */
  send(data: SendableData): Promise<void>;
  /** Sends every value of `source` in order, one after another; completes when `source` does. */
  sendAll(source: Observable<SendableData>): Observable<never>;
}

/**
 * @example
 * import { map } from 'rxjs';
 * const rx = toRx(connect('ws://127.0.0.1:8080'));
 * rx.sendAll(rx.messages$.pipe(map((m) => String(m).toUpperCase()))).subscribe();
 */
export function toRx(connection: WebSocketConnection): RxConnection {
  return {
    messages$: defer(() => from(connection.opened)).pipe(
      switchMap(({ readable }) => fromReadableStream(readable)),
      share(),
    ),
    closed$: defer(() => from(connection.closed)),
    send: (data) => connection.send(data),
    sendAll: (source) =>
      source.pipe(
        concatMap((data) => from(connection.send(data))),
        ignoreElements(),
      ),
  };
}
