// Factories whose verdicts a test scripts, recording what the negotiators ask
// them, so negotiation tables can assert calls, order and cleanup.
import type {
  ClientExtensionFactory,
  ExtensionParams,
  ExtensionSession,
  ServerExtensionFactory,
  SessionOptions,
} from '../../../src/protocol/extension.js';
import type { RsvBits } from '../../../src/protocol/frame.js';

export interface TestSession extends ExtensionSession {
  closed: number;
}

export function testSession(name: string, params: ExtensionParams, rsv: Partial<RsvBits> = {}): TestSession {
  const session: TestSession = {
    name,
    params,
    rsv,
    outgoing: { kind: 'frame', process: (frame) => frame },
    incoming: { kind: 'frame', process: (frame) => frame },
    closed: 0,
    close() {
      session.closed++;
    },
  };
  return session;
}

type Verdict = 'accept' | Error;

export interface ScriptedClient extends ClientExtensionFactory {
  readonly created: TestSession[];
  readonly calls: { params: ExtensionParams; accepted: string[]; options: SessionOptions | undefined }[];
}

export function scriptedClient(
  name: string,
  opts: { offers?: ExtensionParams[]; rsv?: Partial<RsvBits>; verdict?: Verdict } = {},
): ScriptedClient {
  const created: TestSession[] = [];
  const calls: ScriptedClient['calls'] = [];
  return {
    name,
    created,
    calls,
    offer: () => opts.offers ?? [[]],
    accept(params, accepted, options) {
      calls.push({ params, accepted: accepted.map((s) => s.name), options });
      if (opts.verdict instanceof Error) throw opts.verdict;
      const session = testSession(name, params, opts.rsv);
      created.push(session);
      return session;
    },
  };
}

export interface ScriptedServer extends ServerExtensionFactory {
  readonly created: TestSession[];
  readonly calls: { offers: ExtensionParams[]; accepted: string[] }[];
}

export function scriptedServer(
  name: string,
  opts: { rsv?: Partial<RsvBits>; verdict?: Verdict | 'decline'; answer?: ExtensionParams } = {},
): ScriptedServer {
  const created: TestSession[] = [];
  const calls: ScriptedServer['calls'] = [];
  return {
    name,
    created,
    calls,
    respond(offers, accepted) {
      calls.push({ offers: [...offers], accepted: accepted.map((s) => s.name) });
      const verdict = opts.verdict ?? 'accept';
      if (verdict === 'decline') return null;
      if (verdict instanceof Error) throw verdict;
      const params = opts.answer ?? offers[0]!;
      const session = testSession(name, params, opts.rsv);
      created.push(session);
      return { params, session };
    },
  };
}
