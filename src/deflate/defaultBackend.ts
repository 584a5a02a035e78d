/**
 * Picks the backends once, at load: native zlib through minizlib where
 * `node:zlib` exists (Node, Bun, Deno's Node compatibility), otherwise the
 * pure-JS pako backend. The import is dynamic so bundles for browsers and edge
 * runtimes never need `node:zlib` to load this module.
 *
 * Servers get their own default (README "Memory per connection"): they hold
 * many connections, so the context kept between messages is pako's, a third
 * of a native one on Node 20, with native zlib still doing large writes.
 */
import type { ZlibBackend } from './backend.js';
import { pakoBackend } from './pakoBackend.js';

async function loadNative(): Promise<{ client: ZlibBackend; server: ZlibBackend } | undefined> {
  try {
    const [{ minizlibBackend }, { lowMemoryBackend }] = await Promise.all([
      import('./minizlibBackend.js'),
      import('./lowMemoryBackend.js'),
    ]);
    return { client: minizlibBackend, server: lowMemoryBackend };
  } catch {
    return undefined;
  }
}

const native = await loadNative();

/** The backend sessions use unless given one (and the client factory's default). */
export const defaultBackend: ZlibBackend = native?.client ?? pakoBackend;

/** The server factory's default: small per-connection state for many connections. */
export const defaultServerBackend: ZlibBackend = native?.server ?? pakoBackend;
