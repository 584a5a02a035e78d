/**
 * The shapes of faye's extension model (npm `websocket-extensions`), and the
 * conversion between its parameter objects and wsx's ordered parameter lists.
 *
 * faye parses `a=15` into the number 15 and a repeated parameter into an
 * array, and keeps parameters as object keys; wsx keeps the header's order and
 * strings. Converting faye → wsx expands arrays into repeated parameters
 * (so a wsx factory still detects duplicates) and prints numbers as decimals.
 */
import type { ExtensionParams, ExtensionParam } from '../../protocol/extension.js';

export type FayeParamValue = string | number | boolean;
export type FayeParams = Record<string, FayeParamValue | FayeParamValue[]>;

/** faye's message: `{ rsv1, rsv2, rsv3, opcode, data }`; sessions may mutate and return it. */
export interface FayeMessage {
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  data: Uint8Array;
}

export type FayeCallback = (error: Error | null, message?: FayeMessage | null) => void;

export interface FayeSession {
  processIncomingMessage(message: FayeMessage, callback: FayeCallback): void;
  processOutgoingMessage(message: FayeMessage, callback: FayeCallback): void;
  close(): void;
}

export interface FayeClientSession extends FayeSession {
  generateOffer(): FayeParams | FayeParams[] | null | undefined;
  /** `true` accepts the server's parameters; anything else refuses them. */
  activate(params: FayeParams): boolean;
}

export interface FayeServerSession extends FayeSession {
  generateResponse(): FayeParams;
}

/** Options faye's `Extensions` container hands to sessions. */
export interface FayeSessionOptions {
  maxLength?: number;
}

export interface FayePlugin {
  readonly name: string;
  readonly type: 'permessage';
  readonly rsv1: boolean;
  readonly rsv2: boolean;
  readonly rsv3: boolean;
  createClientSession(options?: FayeSessionOptions): FayeClientSession | null | undefined;
  createServerSession(offers: FayeParams[], options?: FayeSessionOptions): FayeServerSession | null | undefined;
}

// faye's own number rule (parser.js): values that look like decimals become numbers.
const FAYE_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;

/** wsx parameters → a faye parameter object, as faye's parser would have built it. */
export function toFayeParams(params: ExtensionParams): FayeParams {
  const out: FayeParams = {};
  for (const [name, raw] of params) {
    const value: FayeParamValue = raw !== true && FAYE_NUMBER.test(raw) ? parseFloat(raw) : raw;
    const previous = Object.prototype.hasOwnProperty.call(out, name) ? out[name] : undefined;
    const next = previous === undefined ? value : ([] as FayeParamValue[]).concat(previous, value);
    // defineProperty: a parameter called `__proto__` must stay data, never reach the prototype.
    Object.defineProperty(out, name, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A faye parameter object → wsx parameters (arrays become repeated parameters). */
export function fromFayeParams(params: FayeParams | null | undefined): ExtensionParams {
  const out: ExtensionParam[] = [];
  if (!params) return out;
  for (const name of Object.keys(params)) {
    for (const value of ([] as FayeParamValue[]).concat(params[name]!)) {
      out.push([name, value === true ? true : String(value)]);
    }
  }
  return out;
}

/** faye plugins declare their RSV bits statically. */
export function pluginRsv(plugin: Pick<FayePlugin, 'rsv1' | 'rsv2' | 'rsv3'>): { rsv1: boolean; rsv2: boolean; rsv3: boolean } {
  return { rsv1: plugin.rsv1 === true, rsv2: plugin.rsv2 === true, rsv3: plugin.rsv3 === true };
}
