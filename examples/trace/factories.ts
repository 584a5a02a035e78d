/**
 * Negotiation of `x-trace`: the client offers a trace id, the server echoes it
 * (or picks one when the offer has none), and both sides label their counters
 * and trace events with it — so the two ends of one connection can be matched
 * in logs.
 *
 *   client offer:     x-trace; trace_id=5f3a9c1e0b7d2468
 *   server response:  x-trace; trace_id=5f3a9c1e0b7d2468
 *
 * Where the factory sits in the extension list decides what it measures:
 * last (after permessage-deflate) it counts wire bytes, first it counts
 * application bytes — outgoing frames pass extensions in list order and
 * incoming ones in reverse.
 */
import {
  DuplicateParameter,
  InvalidParameterName,
  InvalidParameterValue,
  NegotiationError,
  type ClientExtensionFactory,
  type ExtensionParams,
  type ExtensionSession,
  type ServerExtensionFactory,
} from '../../src/protocol/index.js';
import { TrafficMetrics, type TraceEvent } from './metrics.js';
import { createTraceSession } from './session.js';

export const TRACE_EXTENSION = 'x-trace';
const TRACE_ID = /^[0-9A-Za-z_-]{1,64}$/;
const MAX_PENDING_OFFERS = 256;

export interface TraceOptions {
  /** Called with each connection's counters when its session starts. */
  readonly onSession?: (metrics: TrafficMetrics) => void;
  /** Called for every data frame, in each direction. */
  readonly onFrame?: (event: TraceEvent) => void;
}

/**
 * @example
 * const sessions: TrafficMetrics[] = [];
 * const trace = new TraceClientFactory({ onSession: (m) => sessions.push(m) });
 * await connect(url, { extensions: [new ClientPerMessageDeflateFactory(), trace] }); // counts wire bytes
 */
export class TraceClientFactory implements ClientExtensionFactory {
  readonly name = TRACE_EXTENSION;
  readonly #pending = new Set<string>();

  constructor(private readonly options: TraceOptions = {}) {}

  offer(): ExtensionParams[] {
    const id = randomTraceId();
    this.#pending.add(id);
    if (this.#pending.size > MAX_PENDING_OFFERS) this.#pending.delete(this.#pending.values().next().value!);
    return [[['trace_id', id]]];
  }

  accept(params: ExtensionParams): ExtensionSession {
    const id = readTraceId(params);
    if (id === undefined || !this.#pending.delete(id)) {
      throw new NegotiationError(`${TRACE_EXTENSION}: the response does not echo a trace id this client offered`);
    }
    return session(params, id, this.options);
  }
}

export class TraceServerFactory implements ServerExtensionFactory {
  readonly name = TRACE_EXTENSION;

  constructor(private readonly options: TraceOptions = {}) {}

  respond(offers: readonly ExtensionParams[]): { params: ExtensionParams; session: ExtensionSession } | null {
    for (const offer of offers) {
      let id: string | undefined;
      try {
        id = readTraceId(offer);
      } catch (error) {
        if (error instanceof NegotiationError) continue; // decline this offer
        throw error;
      }
      const agreed = id ?? randomTraceId();
      const params: ExtensionParams = [['trace_id', agreed]];
      return { params, session: session(params, agreed, this.options) };
    }
    return null;
  }
}

function session(params: ExtensionParams, id: string, options: TraceOptions): ExtensionSession {
  const metrics = new TrafficMetrics(id, options.onFrame);
  options.onSession?.(metrics);
  return createTraceSession(params, metrics);
}

/** The `trace_id` parameter, `undefined` if absent; other parameters and bad values are errors. */
function readTraceId(params: ExtensionParams): string | undefined {
  let id: string | undefined;
  for (const [name, value] of params) {
    if (name !== 'trace_id') throw new InvalidParameterName(name, TRACE_EXTENSION);
    if (id !== undefined) throw new DuplicateParameter(name, TRACE_EXTENSION);
    if (value === true || !TRACE_ID.test(value)) {
      throw new InvalidParameterValue(name, value, TRACE_EXTENSION, 'expected 1–64 of [0-9A-Za-z_-]');
    }
    id = value;
  }
  return id;
}

function randomTraceId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
}
