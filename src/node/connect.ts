/**
 * `connect()`: a WebSocket client for `ws:` and `wss:` URLs. It returns the
 * connection at once, like `new WebSocketStream(url)`; `opened` settles when
 * the handshake (RFC 6455 §4.1) is done. A refused or malformed answer rejects
 * `opened` with a typed error and `closed` reports it; extensions the server
 * chose that we cannot accept fail the new connection with 1010.
 */
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { ConnectionLostError, HandshakeError, NegotiationError, WebSocketError } from '../protocol/errors.js';
import type { ClientExtensionFactory } from '../protocol/extension.js';
import { ClientNegotiator } from '../negotiation/clientNegotiator.js';
import { NO_EXTENSIONS } from '../negotiation/negotiatedExtensions.js';
import { resolveConnectionOptions, type ConnectionOptions } from './connection/options.js';
import { attachSocket, rejectHandshake, WebSocketConnection } from './connection/webSocketConnection.js';
import { clientExtensionFactories, type Compression } from './extensionOptions.js';
import { generateKey } from './handshake/key.js';
import { upgradeRequestHeaders, validateUpgradeResponse } from './handshake/clientHandshake.js';

export interface ConnectOptions extends ConnectionOptions {
  extensions?: readonly ClientExtensionFactory[];
  compression?: Compression;
  /** Subprotocols to offer, most preferred first. */
  protocols?: string | readonly string[];
  /** Sent as the Origin header. */
  origin?: string;
  /** Extra request headers (cookies, authorization). */
  headers?: OutgoingHttpHeaders;
  /** Longest time from the request to the 101 answer (default 10 s). */
  handshakeTimeout?: number;
  /** TLS options for `wss:` (ca, servername, rejectUnauthorized, …). */
  tls?: TlsOptions;
}

/** Parses and checks the URL: ws/wss (http/https accepted as aliases), no fragment (§3). */
function parseUrl(url: string | URL): { url: URL; secure: boolean } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`invalid WebSocket URL ${JSON.stringify(String(url))}`);
  }
  const secure = parsed.protocol === 'wss:' || parsed.protocol === 'https:';
  if (!secure && parsed.protocol !== 'ws:' && parsed.protocol !== 'http:') {
    throw new TypeError(`WebSocket URLs use ws: or wss:, not ${parsed.protocol}`);
  }
  if (parsed.hash !== '') throw new TypeError('a WebSocket URL cannot have a fragment');
  return { url: parsed, secure };
}

/**
 * @example
 * const connection = connect('ws://127.0.0.1:8080', { protocols: ['chat'] });
 * const { extensions, protocol } = await connection.opened; // 'permessage-deflate; …', 'chat'
 * await connection.send(JSON.stringify({ hello: 'world' }));
 */
export function connect(url: string | URL, options: ConnectOptions = {}): WebSocketConnection {
  const target = parseUrl(url);
  const connectionOptions = resolveConnectionOptions(options);
  const factories = clientExtensionFactories(options);
  const protocols = typeof options.protocols === 'string' ? [options.protocols] : [...(options.protocols ?? [])];
  const negotiator = new ClientNegotiator(factories, { maxMessageSize: connectionOptions.maxSize });
  const key = generateKey();
  const headers = upgradeRequestHeaders({
    key,
    protocols,
    extensions: negotiator.offer(),
    origin: options.origin,
    headers: options.headers,
  });

  const { hostname, port, pathname, search } = target.url;
  const request = (target.secure ? httpsRequest : httpRequest)({
    host: hostname.startsWith('[') ? hostname.slice(1, -1) : hostname,
    port: port === '' ? (target.secure ? 443 : 80) : Number(port),
    path: (pathname || '/') + search,
    method: 'GET',
    headers,
    agent: false,
    ...(target.secure ? options.tls : {}),
  });
  let settled = false;
  const fail = (error: Error): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    request.destroy();
    connection[rejectHandshake](error);
  };
  const connection = new WebSocketConnection(target.url.href, fail);
  const timer = setTimeout(
    () => fail(new HandshakeError(`no handshake answer within ${options.handshakeTimeout ?? 10_000} ms`, 504)),
    options.handshakeTimeout ?? 10_000,
  ).unref();

  request.on('error', (error) => fail(new ConnectionLostError(`cannot connect to ${target.url.host}: ${error.message}`, { cause: error })));
  request.on('response', (response: IncomingMessage) => {
    response.resume();
    fail(new HandshakeError(`server answered ${response.statusCode ?? '?'} instead of 101 Switching Protocols`, response.statusCode ?? 502));
  });
  request.on('upgrade', (response: IncomingMessage, socket: Socket, head: Buffer) => {
    if (settled) {
      socket.destroy();
      return;
    }
    let protocol: string;
    try {
      protocol = validateUpgradeResponse(response, key, protocols).protocol;
    } catch (error) {
      socket.destroy();
      fail(error as Error);
      return;
    }
    settled = true;
    clearTimeout(timer);
    let negotiated = NO_EXTENSIONS;
    let failure: WebSocketError | undefined;
    try {
      negotiated = negotiator.accept(response.headers['sec-websocket-extensions']);
    } catch (error) {
      // The server picked extensions we cannot run: fail the connection with 1010 (RFC 6455 §9.1).
      failure =
        error instanceof WebSocketError && error.closeCode === 1010
          ? error
          : new NegotiationError(`cannot accept the server's extensions: ${(error as Error).message}`, { cause: error });
    }
    connection[attachSocket]({ socket, head, role: 'client', options: connectionOptions, protocol, negotiated }, failure);
  });
  request.end();
  return connection;
}
