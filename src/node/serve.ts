/**
 * `serve()`: a WebSocket server on `node:http`, or on a server the caller
 * already has (http or https, for TLS). Each upgrade request is checked
 * (RFC 6455 §4.2), negotiated, answered with 101 and handed to `handler` as
 * a `WebSocketConnection`; a bad one gets a proper HTTP error and the socket
 * is closed, nothing throws.
 */
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { CloseCode } from '../protocol/closeCodes.js';
import { HandshakeError } from '../protocol/errors.js';
import type { ServerExtensionFactory } from '../protocol/extension.js';
import { ServerNegotiator } from '../negotiation/serverNegotiator.js';
import { resolveConnectionOptions, type ConnectionOptions } from './connection/options.js';
import { attachSocket, WebSocketConnection } from './connection/webSocketConnection.js';
import { serverExtensionFactories, type Compression } from './extensionOptions.js';
import {
  httpErrorResponse,
  selectSubprotocol,
  switchingProtocolsResponse,
  validateUpgradeRequest,
  type SubprotocolSelector,
} from './handshake/serverHandshake.js';
import { withTimeout } from './timeout.js';

/** Decides whether a page from `origin` may connect (browsers send Origin; other clients may not). */
export type OriginCheck = readonly string[] | ((origin: string | undefined, request: IncomingMessage) => boolean | Promise<boolean>);

export interface ServeOptions extends ConnectionOptions {
  /** Attach to this http/https server instead of creating one (it is not closed by `close()`). */
  server?: HttpServer | HttpsServer;
  /** Port to listen on when wsx creates the server (default 0: any free port). */
  port?: number;
  /** Host to listen on when wsx creates the server (default '127.0.0.1'). */
  host?: string;
  /** Only upgrade requests for this path (others get 404); default: every path. */
  path?: string;
  extensions?: readonly ServerExtensionFactory[];
  compression?: Compression;
  /** Subprotocols spoken (client's preference wins) or a function that picks one. */
  protocols?: SubprotocolSelector;
  /** Allowed origins or a check; a refused origin gets 403. Default: any origin. */
  origin?: OriginCheck;
  /**
   * How long the HTTP upgrade may take (default 10 s): on a server wsx
   * creates, receiving the request (headers, idle socket) and the checks
   * (origin hook, then 503). With your own `server` only the checks: its
   * `headersTimeout`/`requestTimeout` bound the request.
   */
  handshakeTimeout?: number;
}

export type ConnectionHandler = (connection: WebSocketConnection, request: IncomingMessage) => void | Promise<void>;

export interface WebSocketServer {
  /** The underlying http(s) server. */
  readonly server: HttpServer | HttpsServer;
  /** Open connections; each leaves the set once its `closed` has settled. */
  readonly connections: ReadonlySet<WebSocketConnection>;
  address(): AddressInfo | string | null;
  /**
   * Stops accepting upgrades, closes every connection with 1001 (Going Away)
   * by default and waits for them; closes the http server if wsx created it.
   */
  close(options?: { closeCode?: number; reason?: string }): Promise<void>;
}

/** Calls the handler; a throw or rejection ends its connection with 1011, never the process. */
function runHandler(handler: ConnectionHandler, connection: WebSocketConnection, request: IncomingMessage): void {
  const fail = (): void => {
    if (connection.readyState === 'open') connection.close({ closeCode: CloseCode.InternalError, reason: 'handler failed' });
  };
  try {
    const result = handler(connection, request);
    if (result && typeof result.then === 'function') result.then(undefined, fail);
  } catch {
    fail();
  }
}

// How long a refused client gets to read our answer before its socket is destroyed.
const REFUSAL_LINGER = 1_000;

/**
 * Sends an HTTP error and ends the socket. http.Server allows half-open
 * sockets, so a client that never closes its side would keep ours (and
 * server.close()) waiting: destroy it after a short linger.
 */
function refuse(socket: Duplex, response: string): void {
  socket.end(response);
  const timer = setTimeout(() => socket.destroy(), REFUSAL_LINGER).unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * @example
 * const server = await serve(async (connection) => {
 *   for await (const message of connection) await connection.send(message); // echo
 * }, { port: 8080 });
 * console.log(server.address());
 */
export async function serve(handler: ConnectionHandler, options: ServeOptions = {}): Promise<WebSocketServer> {
  if (typeof handler !== 'function') throw new TypeError('serve(handler, options): handler must be a function');
  const connectionOptions = resolveConnectionOptions(options);
  const factories = serverExtensionFactories(options);
  const handshakeTimeout = options.handshakeTimeout ?? 10_000;
  if (typeof handshakeTimeout !== 'number' || !(handshakeTimeout > 0) || !Number.isFinite(handshakeTimeout)) {
    throw new TypeError(`handshakeTimeout must be a positive number, got ${String(handshakeTimeout)}`);
  }
  const owned = options.server === undefined;
  // Node checks headersTimeout/requestTimeout only every connectionsCheckingInterval
  // (30 s by default), and not at all for a client that sends nothing: the
  // socket's idle timeout catches that one (upgraded sockets turn it off).
  const httpOptions = {
    headersTimeout: handshakeTimeout,
    requestTimeout: handshakeTimeout,
    connectionsCheckingInterval: Math.min(Math.max(handshakeTimeout / 4, 50), 30_000),
  };
  const server = options.server ?? createServer(httpOptions, (_request, response) => {
    response.writeHead(426, {
      'Content-Type': 'text/plain',
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      Connection: 'close',
    });
    response.end('this is a WebSocket endpoint\n');
  });
  const connections = new Set<WebSocketConnection>();
  // Upgrade sockets not (yet) handed to a connection: close() must not wait on them.
  const handshaking = new Set<Duplex>();
  let closing = false;

  const upgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    socket.on('error', () => undefined); // a client vanishing mid-handshake must not crash us
    handshaking.add(socket);
    // The request is in: from here the checks have their own deadline (and answer 503).
    if (owned) (socket as import('node:net').Socket).setTimeout(0);
    socket.once('close', () => handshaking.delete(socket));
    let response: string;
    let accepted: { connection: WebSocketConnection; negotiated: ReturnType<ServerNegotiator['respond']>; protocol: string };
    try {
      if (closing) throw new HandshakeError('server is shutting down', 503);
      const valid = validateUpgradeRequest(request);
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      if (options.path !== undefined && path !== options.path) throw new HandshakeError(`no WebSocket endpoint at ${path}`, 404);
      if (options.origin !== undefined) {
        const check = options.origin;
        const allowed = Array.isArray(check)
          ? check.includes(valid.origin ?? '')
          : await withTimeout(Promise.resolve((check as Exclude<OriginCheck, readonly string[]>)(valid.origin, request)), handshakeTimeout);
        if (allowed !== true) throw new HandshakeError(`origin ${JSON.stringify(valid.origin ?? null)} is not allowed`, 403);
      }
      if (socket.destroyed) return;
      // close() may have started while the origin check ran; it only waits for connections it saw.
      if (closing) throw new HandshakeError('server is shutting down', 503);
      const protocol = selectSubprotocol(valid.protocols, options.protocols);
      const negotiated = new ServerNegotiator(factories, { maxMessageSize: connectionOptions.maxSize }).respond(
        request.headers['sec-websocket-extensions'],
      );
      response = switchingProtocolsResponse(valid.key, protocol, negotiated.header);
      accepted = { connection: new WebSocketConnection(`ws://${request.headers.host ?? ''}${request.url ?? '/'}`), negotiated, protocol };
    } catch (error) {
      const status = (error as { httpStatus?: number }).httpStatus ?? (error instanceof Error && error.name === 'TimeoutError' ? 503 : 500);
      const message = status === 500 ? 'internal error' : (error as Error).message;
      if (!socket.destroyed) refuse(socket, httpErrorResponse(status, message));
      return;
    }
    const { connection, negotiated, protocol } = accepted;
    handshaking.delete(socket);
    socket.write(response);
    connection[attachSocket]({
      socket: socket as import('node:net').Socket,
      head,
      role: 'server',
      negotiated,
      options: connectionOptions,
      protocol,
    });
    connections.add(connection);
    void connection.closed.then(() => connections.delete(connection));
    // Not awaited here: this frame (request, response text, head) would
    // otherwise stay alive as long as the connection does.
    runHandler(handler, connection, request);
  };
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => void upgrade(request, socket, head);
  server.on('upgrade', onUpgrade);

  if (owned) {
    server.on('connection', (socket: import('node:net').Socket) => socket.setTimeout(handshakeTimeout, () => socket.destroy()));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  return {
    server,
    connections,
    address: () => server.address(),
    async close(closeOptions = {}) {
      closing = true;
      server.off('upgrade', onUpgrade);
      const all = [...connections];
      for (const connection of all) {
        try {
          connection.close({ closeCode: closeOptions.closeCode ?? CloseCode.GoingAway, reason: closeOptions.reason ?? '' });
        } catch {
          // an invalid code from the caller: fall back to Going Away
          connection.close({ closeCode: CloseCode.GoingAway });
        }
      }
      await Promise.all(all.map((c) => c.closed));
      for (const socket of handshaking) socket.destroy();
      if (owned) {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        // Plain HTTP sockets (idle keep-alive, half-sent requests) would hold close() open.
        server.closeAllConnections();
        await stopped;
      }
    },
  };
}
