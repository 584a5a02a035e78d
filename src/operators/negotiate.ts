/**
 * Extension negotiation as Rx: the handshake becomes a stage of an observable
 * flow. A server maps a stream of upgrade requests to outcomes; a client gets
 * an observable that emits the active pipeline once the response arrives.
 *
 * Why outcomes, not errors, on the server: one bad request must not end the
 * stream of all future requests, so a refused request is a value carrying the
 * typed error and the HTTP status to answer with. A client has one response,
 * and a response it cannot accept ends the connection: there, failure is the
 * observable's error (a `NegotiationError`, close 1010).
 */
import { defer, from, map, shareReplay, take, throwIfEmpty, type Observable, type ObservableInput, type OperatorFunction } from 'rxjs';
import { ClientNegotiator } from '../negotiation/clientNegotiator.js';
import type { NegotiatedExtensions } from '../negotiation/negotiatedExtensions.js';
import { ServerNegotiator } from '../negotiation/serverNegotiator.js';
import { ConnectionLostError, WebSocketError } from '../protocol/errors.js';
import type { ClientExtensionFactory, ServerExtensionFactory, SessionOptions } from '../protocol/extension.js';
import { createExtensionPipeline, type ExtensionPipeline } from '../streams/extensionPipeline.js';

const HEADER = 'sec-websocket-extensions';

/** Request or response headers: a fetch `Headers`, or a record such as Node's `IncomingHttpHeaders`. */
export type HeadersLike =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface UpgradeMessageLike {
  readonly headers: HeadersLike;
}

export interface AcceptedUpgrade<R> {
  readonly ok: true;
  readonly request: R;
  /** Headers to add to the 101 response (empty when no extension was agreed). */
  readonly responseHeaders: Readonly<Record<string, string>>;
  readonly negotiated: NegotiatedExtensions;
  /** The sessions as a duplex stream pipeline; its `close()` closes the sessions. */
  readonly pipeline: ExtensionPipeline;
}

export interface RefusedUpgrade<R> {
  readonly ok: false;
  readonly request: R;
  readonly error: Error;
  /** 400 for a malformed `Sec-WebSocket-Extensions`; 500 when a factory crashed. */
  readonly httpStatus: number;
}

export type ServerUpgradeOutcome<R> = AcceptedUpgrade<R> | RefusedUpgrade<R>;

/**
 * Negotiates each upgrade request. Declining every offer is a success with no
 * extension (RFC 7692 §7), not a refusal.
 *
 * @example
 * ```ts
 * upgrades$.pipe(negotiateServerUpgrades([deflateServer])).subscribe((outcome) => {
 *   if (!outcome.ok) return refuse(outcome.request, outcome.httpStatus);
 *   accept(outcome.request, outcome.responseHeaders, outcome.pipeline);
 * });
 * ```
 */
export function negotiateServerUpgrades<R extends UpgradeMessageLike>(
  factories: readonly ServerExtensionFactory[],
  options?: SessionOptions,
): OperatorFunction<R, ServerUpgradeOutcome<R>> {
  return map((request): ServerUpgradeOutcome<R> => {
    let negotiated: NegotiatedExtensions;
    try {
      negotiated = new ServerNegotiator(factories, options).respond(extensionHeader(request.headers));
    } catch (error) {
      const typed = error instanceof WebSocketError && error.httpStatus !== undefined;
      return {
        ok: false,
        request,
        error: error instanceof Error ? error : new Error(String(error)),
        httpStatus: typed ? error.httpStatus! : 500,
      };
    }
    const responseHeaders: Record<string, string> = negotiated.header === null ? {} : { 'Sec-WebSocket-Extensions': negotiated.header };
    return { ok: true, request, responseHeaders, negotiated, pipeline: createExtensionPipeline(negotiated.sessions) };
  });
}

export interface ClientUpgradeOutcome<S> {
  readonly response: S;
  readonly negotiated: NegotiatedExtensions;
  readonly pipeline: ExtensionPipeline;
}

export interface ClientUpgrade {
  /** Headers to send with the upgrade request (empty when nothing is offered). */
  readonly requestHeaders: Readonly<Record<string, string>>;
  /**
   * Emits the active pipeline once `response$` delivers the upgrade response,
   * then completes. Errors with the `NegotiationError` (1010) when the
   * response cannot be accepted, or `ConnectionLostError` when `response$`
   * ends without a response. Negotiation runs once however many subscribe.
   */
  accept<S extends UpgradeMessageLike>(response$: ObservableInput<S>): Observable<ClientUpgradeOutcome<S>>;
}

/**
 * @example
 * ```ts
 * const upgrade = negotiateClientUpgrade([deflateClient]);
 * const response$ = sendUpgradeRequest({ ...baseHeaders, ...upgrade.requestHeaders });
 * upgrade.accept(response$).subscribe(({ pipeline }) => run(pipeline));
 * ```
 */
export function negotiateClientUpgrade(factories: readonly ClientExtensionFactory[], options?: SessionOptions): ClientUpgrade {
  const negotiator = new ClientNegotiator(factories, options);
  const offer = negotiator.offer();
  return {
    requestHeaders: (offer === null ? {} : { 'Sec-WebSocket-Extensions': offer }) as Record<string, string>,
    accept: <S extends UpgradeMessageLike>(response$: ObservableInput<S>) =>
      defer(() => from(response$)).pipe(
        take(1),
        throwIfEmpty(() => new ConnectionLostError('the connection ended before the upgrade response')),
        map((response): ClientUpgradeOutcome<S> => {
          const negotiated = negotiator.accept(extensionHeader(response.headers));
          return { response, negotiated, pipeline: createExtensionPipeline(negotiated.sessions) };
        }),
        shareReplay({ bufferSize: 1, refCount: false }),
      ),
  };
}

/** The `Sec-WebSocket-Extensions` lines, found case-insensitively; `undefined` when absent. */
export function extensionHeader(headers: HeadersLike): string | readonly string[] | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(HEADER) ?? undefined;
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const lines: string[] = [];
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() !== HEADER) continue;
    const value = record[key];
    if (value !== undefined) lines.push(...(typeof value === 'string' ? [value] : value));
  }
  return lines.length === 0 ? undefined : lines;
}
