/**
 * Picks the backend once, at load: native zlib through minizlib where
 * `node:zlib` exists (Node, Bun, Deno's Node compatibility), otherwise the
 * pure-JS pako backend. The import is dynamic so bundles for browsers and edge
 * runtimes never need `node:zlib` to load this module.
 */
import type { ZlibBackend } from './backend.js';
import { pakoBackend } from './pakoBackend.js';

async function loadNative(): Promise<ZlibBackend | undefined> {
  try {
    return (await import('./minizlibBackend.js')).minizlibBackend;
  } catch {
    return undefined;
  }
}

/** The backend sessions use unless given one. */
export const defaultBackend: ZlibBackend = (await loadNative()) ?? pakoBackend;
