/**
 * The server's half of the opening handshake (RFC 6455 §4.2): check the
 * client's upgrade request, pick a subprotocol, build the 101 response. Every
 * refusal is a `HandshakeError` carrying the HTTP status to answer with, so
 * the I/O layer can reply properly instead of dropping the socket.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { HandshakeError } from '../../protocol/errors.js';
import { computeAccept, isValidKey } from './key.js';
import { hasToken, headerList, headerValue, isToken } from './headers.js';

/** The parts of `http.IncomingMessage` the checks need (so tests can build one by hand). */
export interface UpgradeRequestLike {
  readonly method?: string | undefined;
  readonly httpVersion: string;
  readonly headers: IncomingHttpHeaders;
}

/** What a valid upgrade request asks for. */
export interface ValidUpgradeRequest {
  readonly key: string;
  /** Subprotocols the client offered, in its order of preference. */
  readonly protocols: readonly string[];
  /** The raw Sec-WebSocket-Extensions request header, if any. */
  readonly extensions: string | undefined;
  readonly origin: string | undefined;
}

/**
 * Checks method, HTTP version, Host, Upgrade/Connection tokens, version and
 * key; throws `HandshakeError` with 405, 400 or 426 (426 answers carry
 * `Sec-WebSocket-Version: 13`, see `httpErrorResponse`).
 * @example
 * const ok = validateUpgradeRequest(req); // in an http 'upgrade' listener
 */
export function validateUpgradeRequest(request: UpgradeRequestLike): ValidUpgradeRequest {
  const { headers } = request;
  if (request.method !== 'GET') throw new HandshakeError(`method ${request.method ?? '(none)'} cannot upgrade; use GET`, 405);
  if (!/^1\.[1-9]$|^[2-9]/.test(request.httpVersion)) {
    throw new HandshakeError(`HTTP/${request.httpVersion} cannot upgrade; HTTP/1.1 or later is required`, 400);
  }
  if (!headerValue(headers, 'host')) throw new HandshakeError('missing Host header', 400);
  if (!hasToken(headers, 'upgrade', 'websocket')) throw new HandshakeError('Upgrade header must contain "websocket"', 400);
  if (!hasToken(headers, 'connection', 'upgrade')) throw new HandshakeError('Connection header must contain "upgrade"', 400);
  const version = headerValue(headers, 'sec-websocket-version')?.trim();
  if (version !== '13') {
    throw new HandshakeError(`unsupported Sec-WebSocket-Version ${JSON.stringify(version ?? null)}; only 13 is spoken`, 426);
  }
  const key = headerValue(headers, 'sec-websocket-key')?.trim();
  if (key === undefined || !isValidKey(key)) throw new HandshakeError('Sec-WebSocket-Key must be base64 of 16 bytes', 400);
  const protocols = headerList(headers, 'sec-websocket-protocol');
  for (const protocol of protocols) {
    if (!isToken(protocol)) throw new HandshakeError(`invalid subprotocol name ${JSON.stringify(protocol)}`, 400);
  }
  if (new Set(protocols).size !== protocols.length) throw new HandshakeError('duplicate subprotocol offered', 400);
  return {
    key,
    protocols,
    extensions: headerValue(headers, 'sec-websocket-extensions'),
    origin: headerValue(headers, 'origin') ?? headerValue(headers, 'sec-websocket-origin'),
  };
}

/**
 * How a server picks its subprotocol: a list of the ones it speaks (the
 * client's most preferred supported one wins) or a function that chooses
 * (return `null` to speak none).
 */
export type SubprotocolSelector = readonly string[] | ((offered: readonly string[]) => string | null | undefined);

/** The chosen subprotocol, or `''` for none. A selector may only pick an offered one. */
export function selectSubprotocol(offered: readonly string[], selector: SubprotocolSelector | undefined): string {
  if (offered.length === 0 || selector === undefined) return '';
  if (typeof selector === 'function') {
    const chosen = selector(offered);
    if (chosen === null || chosen === undefined || chosen === '') return '';
    if (!offered.includes(chosen)) throw new Error(`subprotocol selector chose ${JSON.stringify(chosen)}, which the client did not offer`);
    return chosen;
  }
  return offered.find((p) => selector.includes(p)) ?? '';
}

/** The raw bytes of the 101 response. */
export function switchingProtocolsResponse(key: string, protocol: string, extensions: string | null): string {
  const lines = [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${computeAccept(key)}`,
  ];
  if (protocol !== '') lines.push(`Sec-WebSocket-Protocol: ${protocol}`);
  if (extensions) lines.push(`Sec-WebSocket-Extensions: ${extensions}`);
  return lines.join('\r\n') + '\r\n\r\n';
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  426: 'Upgrade Required',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * A complete HTTP error response for a refused upgrade: status, a short plain
 * text body, `Connection: close`; 426 adds `Sec-WebSocket-Version: 13` (§4.4)
 * and 405 adds `Allow: GET`.
 */
export function httpErrorResponse(status: number, message: string): string {
  const body = Buffer.from(message.replace(/[\r\n]+/g, ' ') + '\n', 'utf8');
  const lines = [
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${body.length}`,
  ];
  if (status === 426) lines.push('Sec-WebSocket-Version: 13', 'Upgrade: websocket');
  if (status === 405) lines.push('Allow: GET');
  return lines.join('\r\n') + '\r\n\r\n' + body.toString('utf8');
}
