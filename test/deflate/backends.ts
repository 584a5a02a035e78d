// The backends every codec test runs on: all must pass the same suite.
import type { ZlibBackend } from '../../src/deflate/backend.js';
import { minizlibBackend } from '../../src/deflate/minizlibBackend.js';
import { lowMemoryBackend } from '../../src/deflate/lowMemoryBackend.js';
import { createPakoBackend, pakoBackend } from '../../src/deflate/pakoBackend.js';

export const backends: readonly (readonly [string, ZlibBackend])[] = [
  ['minizlib', minizlibBackend],
  ['pako', pakoBackend],
  ['pako, legacy hash', createPakoBackend({ legacyHash: true })],
  ['low-memory', lowMemoryBackend],
];

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const fromHex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Deterministic pseudo-random bytes (incompressible). */
export function randomBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}

const WORDS =
  'the of and to in is was that for on with as by at from his her an which or be are this have not but had they were it its one all their there been has when who more will would no if out so said what up about into than them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last'.split(
    ' ',
  );

/** Deterministic English-like text (compresses like prose, ~3:1). */
export function prose(length: number, seed = 7): Uint8Array {
  let state = seed >>> 0 || 1;
  let text = '';
  while (text.length < length) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    text += WORDS[(state >>> 8) % WORDS.length] + ((state >>> 4) % 13 === 0 ? '.\n' : ' ');
  }
  return utf8(text.slice(0, length));
}
