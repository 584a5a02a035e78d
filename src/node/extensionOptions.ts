/**
 * Turns the `extensions` and `compression` options into the ordered factory
 * list a negotiator takes. permessage-deflate is on unless `compression:
 * null` (the seeds: "connect() and serve() enable the Per-Message Deflate
 * extension by default"); it is appended after the caller's own extensions,
 * unless the caller already listed a permessage-deflate factory (then theirs,
 * with their parameters, is used as is).
 */
import type { ClientExtensionFactory, ServerExtensionFactory } from '../protocol/extension.js';
import { enableClientPermessageDeflate, enableServerPermessageDeflate } from '../deflate/index.js';

export type Compression = 'deflate' | null;

export interface ExtensionOptions<F> {
  /** Extension factories, in the order they are offered / preferred. */
  readonly extensions?: readonly F[] | undefined;
  /** `'deflate'` (default) adds permessage-deflate; `null` leaves it out. */
  readonly compression?: Compression | undefined;
}

function checkCompression(compression: unknown): compression is 'deflate' {
  if (compression === undefined || compression === 'deflate') return true;
  if (compression === null) return false;
  throw new TypeError(`compression must be 'deflate' or null, got ${typeof compression === 'string' ? JSON.stringify(compression) : String(compression)}`);
}

function checkList<F extends { name: string }>(extensions: readonly F[] | undefined): F[] {
  if (extensions === undefined) return [];
  if (!Array.isArray(extensions)) throw new TypeError('extensions must be an array of extension factories');
  for (const factory of extensions) {
    if (typeof factory?.name !== 'string') throw new TypeError('every extension factory needs a name');
  }
  return [...extensions];
}

/**
 * @example
 * clientExtensionFactories({ compression: null }); // []
 */
export function clientExtensionFactories(options: ExtensionOptions<ClientExtensionFactory>): ClientExtensionFactory[] {
  const list = checkList(options.extensions);
  return checkCompression(options.compression) ? [...enableClientPermessageDeflate(list)] : list;
}

export function serverExtensionFactories(options: ExtensionOptions<ServerExtensionFactory>): ServerExtensionFactory[] {
  const list = checkList(options.extensions);
  return checkCompression(options.compression) ? [...enableServerPermessageDeflate(list)] : list;
}
