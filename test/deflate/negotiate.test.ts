// RFC 7692 §7.1 truth tables, exhaustively: every offer against every server
// configuration, every response against every offer. Expectations are written
// from the RFC's sentences, independently of src/deflate/negotiate.ts's tables.
import { describe, expect, it } from 'vitest';
import { answerOffer, checkResponse, type ServerNegotiationConfig } from '../../src/deflate/negotiate.js';
import type { DeflateParams, WindowBits } from '../../src/deflate/params.js';
import { NegotiationError } from '../../src/protocol/errors.js';

const WINDOWS = [8, 9, 10, 11, 12, 13, 14, 15] as const satisfies readonly WindowBits[];
const OPTIONAL_WINDOWS = [undefined, ...WINDOWS] as const;
const BOOLS = [false, true] as const;

// ~250,000 cases: plain comparisons collected into one assertion keep this fast.
const failures: string[] = [];
function check(ok: boolean, what: string, context: unknown): void {
  if (!ok && failures.length < 20) failures.push(`${what}: ${JSON.stringify(context)}`);
}
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function* allOffers(): Generator<DeflateParams> {
  for (const serverNoContextTakeover of BOOLS)
    for (const clientNoContextTakeover of BOOLS)
      for (const serverMaxWindowBits of OPTIONAL_WINDOWS)
        for (const clientMaxWindowBits of [...OPTIONAL_WINDOWS, true] as const)
          yield { serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits, clientMaxWindowBits };
}

function* allResponses(): Generator<DeflateParams> {
  for (const serverNoContextTakeover of BOOLS)
    for (const clientNoContextTakeover of BOOLS)
      for (const serverMaxWindowBits of OPTIONAL_WINDOWS)
        for (const clientMaxWindowBits of OPTIONAL_WINDOWS)
          yield { serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits, clientMaxWindowBits };
}

function* allConfigs(): Generator<ServerNegotiationConfig> {
  for (const serverNoContextTakeover of BOOLS)
    for (const clientNoContextTakeover of BOOLS)
      for (const serverMaxWindowBits of OPTIONAL_WINDOWS)
        for (const clientMaxWindowBits of OPTIONAL_WINDOWS)
          for (const requireClientMaxWindowBits of BOOLS) {
            if (requireClientMaxWindowBits && clientMaxWindowBits === undefined) continue;
            yield { serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits, clientMaxWindowBits, requireClientMaxWindowBits };
          }
}

describe('server: answerOffer over every offer × configuration', () => {
  it('follows RFC 7692 §7.1 and the configuration in all combinations', () => {
    failures.length = 0;
    let answered = 0;
    let declined = 0;
    for (const offer of allOffers()) {
      for (const config of allConfigs()) {
        const result = answerOffer(offer, config);
        const ctx = { offer, config, result };
        // Decline exactly when we must bound the client's window and the client gave us no way to.
        const mustDecline = config.requireClientMaxWindowBits && offer.clientMaxWindowBits === undefined;
        check((result === null) === mustDecline, 'declines exactly when required', ctx);
        if (!result) {
          declined++;
          continue;
        }
        answered++;
        const { response, agreement } = result;
        // §7.1.1.1: a server accepting server_no_context_takeover must echo it.
        check(response.serverNoContextTakeover === (offer.serverNoContextTakeover || config.serverNoContextTakeover), 'server_no_context_takeover', ctx);
        check(response.clientNoContextTakeover === (offer.clientNoContextTakeover || config.clientNoContextTakeover), 'client_no_context_takeover', ctx);
        // §7.1.2.1: never a window larger than offered; always confirmed when offered.
        if (offer.serverMaxWindowBits !== undefined) {
          check(response.serverMaxWindowBits !== undefined && response.serverMaxWindowBits <= offer.serverMaxWindowBits, 'server window within offer', ctx);
        }
        if (config.serverMaxWindowBits !== undefined) {
          check(response.serverMaxWindowBits !== undefined && response.serverMaxWindowBits <= config.serverMaxWindowBits, 'server window within config', ctx);
        }
        // §7.1.2.2: client_max_window_bits only when offered, never above an offered value, never bare.
        if (offer.clientMaxWindowBits === undefined) check(response.clientMaxWindowBits === undefined, 'client window only if offered', ctx);
        check(response.clientMaxWindowBits !== true, 'client window has a value', ctx);
        if (typeof offer.clientMaxWindowBits === 'number' && response.clientMaxWindowBits !== undefined) {
          check(Number(response.clientMaxWindowBits) <= offer.clientMaxWindowBits, 'client window within offer', ctx);
        }
        if (config.clientMaxWindowBits !== undefined && offer.clientMaxWindowBits !== undefined) {
          check(response.clientMaxWindowBits !== undefined && Number(response.clientMaxWindowBits) <= config.clientMaxWindowBits, 'client window within config', ctx);
        }
        // A bare offer is answered with our value when we have one.
        if (offer.clientMaxWindowBits === true) check(response.clientMaxWindowBits === config.clientMaxWindowBits, 'bare offer answered', ctx);
        // The windows each side runs with.
        check(agreement.serverWindowBits === (response.serverMaxWindowBits ?? 15), 'server window agreed', ctx);
        const offeredClient = typeof offer.clientMaxWindowBits === 'number' ? offer.clientMaxWindowBits : 15;
        check(agreement.clientWindowBits === Math.min(offeredClient, Number(response.clientMaxWindowBits ?? 15)), 'client window agreed', ctx);
        // Whatever we answer, a conforming client accepts, and both sides agree on the settings.
        let clientSide;
        try {
          clientSide = checkResponse(offer, response);
        } catch (error) {
          clientSide = String(error);
        }
        check(same(clientSide, agreement), 'client agrees', { ...ctx, clientSide });
      }
    }
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(200_000);
    expect(declined).toBeGreaterThan(10_000);
  });

  it('matches hand-written rows of the RFC', () => {
    const config: ServerNegotiationConfig = {
      serverNoContextTakeover: false,
      clientNoContextTakeover: false,
      serverMaxWindowBits: 12,
      clientMaxWindowBits: 12,
      requireClientMaxWindowBits: false,
    };
    const offer = (p: Partial<DeflateParams>): DeflateParams => ({
      serverNoContextTakeover: false,
      clientNoContextTakeover: false,
      serverMaxWindowBits: undefined,
      clientMaxWindowBits: undefined,
      ...p,
    });
    expect(answerOffer(offer({}), config)?.response).toEqual(offer({ serverMaxWindowBits: 12 }));
    expect(answerOffer(offer({ clientMaxWindowBits: true }), config)?.response).toEqual(
      offer({ serverMaxWindowBits: 12, clientMaxWindowBits: 12 }),
    );
    expect(answerOffer(offer({ serverMaxWindowBits: 10, clientMaxWindowBits: 9 }), config)?.response).toEqual(
      offer({ serverMaxWindowBits: 10, clientMaxWindowBits: 9 }),
    );
    expect(answerOffer(offer({ serverNoContextTakeover: true, serverMaxWindowBits: 15 }), config)?.response).toEqual(
      offer({ serverNoContextTakeover: true, serverMaxWindowBits: 12 }),
    );
    expect(answerOffer(offer({}), { ...config, requireClientMaxWindowBits: true })).toBeNull();
  });
});

describe('client: checkResponse over every offer × response', () => {
  it('accepts exactly the responses RFC 7692 §7.1 allows', () => {
    failures.length = 0;
    let accepted = 0;
    let refused = 0;
    for (const offer of allOffers()) {
      for (const response of allResponses()) {
        const problems: string[] = [];
        // §7.1.1.1: if we asked for server_no_context_takeover, the server must confirm it.
        if (offer.serverNoContextTakeover && !response.serverNoContextTakeover) problems.push('server_no_context_takeover');
        // §7.1.2.1: if we limited the server's window, it must answer within it.
        if (offer.serverMaxWindowBits !== undefined) {
          if (response.serverMaxWindowBits === undefined || response.serverMaxWindowBits > offer.serverMaxWindowBits) {
            problems.push('server_max_window_bits');
          }
        }
        // §7.1.2.2: client_max_window_bits only if offered, and not above an offered value.
        if (response.clientMaxWindowBits !== undefined) {
          if (offer.clientMaxWindowBits === undefined) problems.push('client_max_window_bits');
          else if (typeof offer.clientMaxWindowBits === 'number' && Number(response.clientMaxWindowBits) > offer.clientMaxWindowBits) {
            problems.push('client_max_window_bits');
          }
        }
        let agreement;
        let error: unknown;
        try {
          agreement = checkResponse(offer, response);
        } catch (e) {
          error = e;
        }
        const ctx = { offer, response, agreement, error: String(error) };
        if (problems.length > 0) {
          refused++;
          check(error instanceof NegotiationError && error.closeCode === 1010, 'refused with 1010', ctx);
          check(error instanceof Error && error.message.includes(problems[0]!), 'error names the parameter', ctx);
          continue;
        }
        accepted++;
        check(error === undefined, 'accepted', ctx);
        const expected = {
          serverNoContextTakeover: response.serverNoContextTakeover,
          // Our own offer of client_no_context_takeover binds us even if not echoed.
          clientNoContextTakeover: offer.clientNoContextTakeover || response.clientNoContextTakeover,
          serverWindowBits: response.serverMaxWindowBits ?? 15,
          clientWindowBits:
            response.clientMaxWindowBits ?? (typeof offer.clientMaxWindowBits === 'number' ? offer.clientMaxWindowBits : 15),
        };
        check(same(agreement, expected), 'agreement', { ...ctx, expected });
      }
    }
    expect(failures).toEqual([]);
    expect(accepted).toBeGreaterThan(10_000);
    expect(refused).toBeGreaterThan(10_000);
  });
});
