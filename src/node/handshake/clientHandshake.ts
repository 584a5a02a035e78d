/**
 * The client's half of the opening handshake (RFC 6455 §4.1): the request
 * headers to send, then the checks on the server's answer. A response that
 * breaks a rule is a `HandshakeError` (the connection is dropped, nothing was
 * established); extension acceptance is left to the negotiator, whose
 * `NegotiationError` makes the client fail the new connection with 1010.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { HandshakeError } from '../../protocol/errors.js';
import { computeAccept } from './key.js';
import { hasToken, headerList, headerValue, isToken } from './headers.js';

export interface ClientRequestOptions {
  readonly key: string;
  readonly protocols: readonly string[];
  /** The Sec-WebSocket-Extensions offer, or null to offer none. */
  readonly extensions: string | null;
  readonly origin?: string | undefined;
  /** Extra headers (cookies, authorization); cannot override the handshake's own. */
  readonly headers?: OutgoingHttpHeaders | undefined;
}

/**
 * Headers for the upgrade GET.
 * @example
 * http.request(url, { headers: upgradeRequestHeaders({ key: generateKey(), protocols: [], extensions: null }) });
 */
export function upgradeRequestHeaders(options: ClientRequestOptions): OutgoingHttpHeaders {
  for (const protocol of options.protocols) {
    if (!isToken(protocol)) throw new TypeError(`invalid subprotocol name ${JSON.stringify(protocol)}`);
  }
  if (new Set(options.protocols).size !== options.protocols.length) throw new TypeError('duplicate subprotocol');
  // Extra headers may not replace the handshake's own, whatever their case.
  const reserved = /^(connection|upgrade|sec-websocket-(version|key|protocol|extensions)|origin)$/i;
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (!reserved.test(name) && value !== undefined) headers[name] = value;
  }
  headers['Connection'] = 'Upgrade';
  headers['Upgrade'] = 'websocket';
  headers['Sec-WebSocket-Version'] = '13';
  headers['Sec-WebSocket-Key'] = options.key;
  if (options.protocols.length > 0) headers['Sec-WebSocket-Protocol'] = options.protocols.join(', ');
  if (options.extensions) headers['Sec-WebSocket-Extensions'] = options.extensions;
  if (options.origin !== undefined) headers['Origin'] = options.origin;
  return headers;
}

export interface UpgradeResponseLike {
  readonly statusCode?: number | undefined;
  readonly headers: IncomingHttpHeaders;
}

export interface ValidUpgradeResponse {
  /** The subprotocol the server chose, `''` for none. */
  readonly protocol: string;
  /** The raw Sec-WebSocket-Extensions response header, or null. */
  readonly extensions: string | null;
}

/**
 * Checks status 101, Upgrade/Connection, the accept value and the chosen
 * subprotocol (it must be one we offered, §4.1 step 6).
 */
export function validateUpgradeResponse(
  response: UpgradeResponseLike,
  key: string,
  offeredProtocols: readonly string[],
): ValidUpgradeResponse {
  const { headers } = response;
  if (response.statusCode !== 101) {
    throw new HandshakeError(`server answered ${response.statusCode ?? '(no status)'} instead of 101`, response.statusCode ?? 502);
  }
  if (!hasToken(headers, 'upgrade', 'websocket')) throw new HandshakeError('response Upgrade header is not "websocket"', 502);
  if (!hasToken(headers, 'connection', 'upgrade')) throw new HandshakeError('response Connection header lacks "upgrade"', 502);
  const accept = headerValue(headers, 'sec-websocket-accept')?.trim();
  if (accept !== computeAccept(key)) throw new HandshakeError('Sec-WebSocket-Accept does not match our key', 502);
  const chosen = headerList(headers, 'sec-websocket-protocol');
  if (chosen.length > 1) throw new HandshakeError('server chose more than one subprotocol', 502);
  const protocol = chosen[0] ?? '';
  if (protocol !== '' && !offeredProtocols.includes(protocol)) {
    throw new HandshakeError(`server chose subprotocol ${JSON.stringify(protocol)}, which we did not offer`, 502);
  }
  return { protocol, extensions: headerValue(headers, 'sec-websocket-extensions') ?? null };
}
