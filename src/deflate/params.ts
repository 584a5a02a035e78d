/**
 * The four parameters of permessage-deflate (RFC 7692 §7.1) as a typed value,
 * and their strict parsing from / formatting to header parameters.
 *
 * Parsing is deliberately unforgiving: a peer that sends `08`, an empty value,
 * a parameter twice or a name we do not know gets a typed error naming the
 * parameter, never a silent guess (RFC 7692 §5: such an offer is declined,
 * such a response fails the connection).
 */
import { DuplicateParameter, InvalidParameterName, InvalidParameterValue } from '../protocol/errors.js';
import type { ExtensionParams, ExtensionParam } from '../protocol/extension.js';

export const PERMESSAGE_DEFLATE = 'permessage-deflate';

/** LZ77 window sizes RFC 7692 allows: 2^8 … 2^15 bytes. */
export type WindowBits = 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15;

export function isWindowBits(value: unknown): value is WindowBits {
  return typeof value === 'number' && Number.isInteger(value) && value >= 8 && value <= 15;
}

/** One offer (client → server) or one response (server → client). */
export interface DeflateParams {
  readonly serverNoContextTakeover: boolean;
  readonly clientNoContextTakeover: boolean;
  /** Absent: not mentioned. */
  readonly serverMaxWindowBits: WindowBits | undefined;
  /** `true`: mentioned without a value (only legal in an offer). */
  readonly clientMaxWindowBits: WindowBits | true | undefined;
}

export const NO_DEFLATE_PARAMS: DeflateParams = Object.freeze({
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: undefined,
  clientMaxWindowBits: undefined,
});

// RFC 7692 §7.1.2.1: 1*DIGIT within 8–15, and no leading zeros.
const WINDOW_BITS_SYNTAX = /^(?:[89]|1[0-5])$/;

function parseWindowBits(name: string, value: string | true): WindowBits {
  if (value === true || !WINDOW_BITS_SYNTAX.test(value)) {
    throw new InvalidParameterValue(name, value, PERMESSAGE_DEFLATE, 'expected an integer from 8 to 15 without leading zeros');
  }
  return Number(value) as WindowBits;
}

function parseFlag(name: string, value: string | true): true {
  if (value !== true) throw new InvalidParameterValue(name, value, PERMESSAGE_DEFLATE, 'this parameter takes no value');
  return true;
}

/**
 * Parses the parameters of one `permessage-deflate` offer or response.
 * Throws `DuplicateParameter`, `InvalidParameterName` or `InvalidParameterValue`.
 *
 * @example
 * parseDeflateParams([['client_max_window_bits', true]], 'offer').clientMaxWindowBits; // true
 */
export function parseDeflateParams(params: ExtensionParams, kind: 'offer' | 'response'): DeflateParams {
  const seen = new Set<string>();
  let serverNoContextTakeover = false;
  let clientNoContextTakeover = false;
  let serverMaxWindowBits: WindowBits | undefined;
  let clientMaxWindowBits: WindowBits | true | undefined;
  for (const [name, value] of params) {
    if (seen.has(name)) throw new DuplicateParameter(name, PERMESSAGE_DEFLATE);
    seen.add(name);
    switch (name) {
      case 'server_no_context_takeover':
        serverNoContextTakeover = parseFlag(name, value);
        break;
      case 'client_no_context_takeover':
        clientNoContextTakeover = parseFlag(name, value);
        break;
      case 'server_max_window_bits':
        serverMaxWindowBits = parseWindowBits(name, value);
        break;
      case 'client_max_window_bits':
        // A bare client_max_window_bits only says "I support it" (§7.1.2.2);
        // a server must answer it with a value.
        clientMaxWindowBits = value === true && kind === 'offer' ? true : parseWindowBits(name, value);
        break;
      default:
        throw new InvalidParameterName(name, PERMESSAGE_DEFLATE);
    }
  }
  return { serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits, clientMaxWindowBits };
}

/**
 * Formats parameters in the RFC's order, omitting what is absent.
 *
 * @example
 * formatDeflateParams({ ...NO_DEFLATE_PARAMS, clientMaxWindowBits: true }); // [['client_max_window_bits', true]]
 */
export function formatDeflateParams(params: DeflateParams): ExtensionParams {
  const out: ExtensionParam[] = [];
  if (params.serverNoContextTakeover) out.push(['server_no_context_takeover', true]);
  if (params.clientNoContextTakeover) out.push(['client_no_context_takeover', true]);
  if (params.serverMaxWindowBits !== undefined) out.push(['server_max_window_bits', String(params.serverMaxWindowBits)]);
  if (params.clientMaxWindowBits === true) out.push(['client_max_window_bits', true]);
  else if (params.clientMaxWindowBits !== undefined) out.push(['client_max_window_bits', String(params.clientMaxWindowBits)]);
  return out;
}
