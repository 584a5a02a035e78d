import type { RsvBits } from '../protocol/frame.js';
import type { ExtensionSession } from '../protocol/extension.js';
import { unionRsv } from './rsvBits.js';

/**
 * The outcome of one handshake: what was agreed, the live sessions, and the
 * RSV bits incoming frames may carry.
 */
export interface NegotiatedExtensions {
  /** The response header value (server) or the accepted response (client); `null` when none. */
  readonly header: string | null;
  /** The active sessions in negotiated (= outgoing) order; incoming frames run them in reverse. */
  readonly sessions: readonly ExtensionSession[];
  /** Union of the sessions' RSV bits: exactly what the frame parser must allow. */
  readonly allowedRsv: RsvBits;
}

/** Builds the frozen result the negotiators return. */
export function negotiatedExtensions(header: string | null, sessions: readonly ExtensionSession[]): NegotiatedExtensions {
  return Object.freeze({ header, sessions: Object.freeze([...sessions]), allowedRsv: unionRsv(sessions) });
}

/** No extension in use: what a handshake without `Sec-WebSocket-Extensions` yields. */
export const NO_EXTENSIONS: NegotiatedExtensions = negotiatedExtensions(null, []);

/**
 * Closes every session (in negotiated order) and resolves once all of them
 * have finished their in-flight work. If any close fails, the first failure is
 * rethrown after all the others were still given the chance to close.
 *
 * @example
 * ```ts
 * const negotiated = new ServerNegotiator([deflate]).respond(request.headers['sec-websocket-extensions']);
 * // … connection runs …
 * await closeSessions(negotiated.sessions);
 * ```
 */
export async function closeSessions(sessions: readonly ExtensionSession[]): Promise<void> {
  const results = await Promise.allSettled(sessions.map(async (session) => session.close()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Releases sessions a failed negotiation had already created. Their close
 * errors are irrelevant next to the negotiation error being reported, so they
 * are swallowed rather than left as unhandled rejections.
 */
export function abandonSessions(sessions: readonly ExtensionSession[]): void {
  for (const session of sessions) {
    try {
      Promise.resolve(session.close()).catch(() => undefined);
    } catch {
      // see above: the negotiation error is what the caller must see
    }
  }
}
