/**
 * zlib compression settings and the defaults chosen by measurement
 * (README.md, "Defaults"), with validation of user-supplied values.
 */
import { Strategy, type ZlibBackend } from './backend.js';

export interface CompressSettings {
  /** 0 (store) – 9 (best); -1 means zlib's default (6). */
  readonly level?: number;
  /** 1–9: memory for the match finder, 2^(memLevel+9) bytes. */
  readonly memLevel?: number;
  /** A zlib strategy (`Strategy.*`). */
  readonly strategy?: number;
}

export const DEFAULT_COMPRESS_SETTINGS: Required<CompressSettings> = Object.freeze({
  level: 6,
  memLevel: 5,
  strategy: Strategy.Default,
});

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`compressSettings.${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** Fills in defaults and rejects out-of-range values with a RangeError naming the setting. */
export function resolveCompressSettings(settings: CompressSettings = {}): Required<CompressSettings> {
  const level = settings.level === -1 ? 6 : checkInteger('level', settings.level ?? DEFAULT_COMPRESS_SETTINGS.level, 0, 9);
  return {
    level,
    memLevel: checkInteger('memLevel', settings.memLevel ?? DEFAULT_COMPRESS_SETTINGS.memLevel, 1, 9),
    strategy: checkInteger('strategy', settings.strategy ?? DEFAULT_COMPRESS_SETTINGS.strategy, 0, 4),
  };
}

/**
 * The window and strategy to give zlib for an agreed window size. zlib cannot
 * compress raw deflate with an 8-bit window and uses 9 instead. That is still
 * correct for a peer inflating with 256 bytes, because zlib never matches
 * further back than 2^9 − 262 = 250 bytes (its MAX_DIST; README "Window bits
 * 8" has the measurement). A backend without that guarantee gets run-length
 * encoding, whose matches reach back one byte.
 */
export function deflaterSettings(
  agreedWindowBits: number,
  strategy: number,
  backend: Pick<ZlibBackend, 'zlibMatchLimit'>,
): { readonly windowBits: number; readonly strategy: number } {
  if (agreedWindowBits !== 8) return { windowBits: agreedWindowBits, strategy };
  return { windowBits: 9, strategy: backend.zlibMatchLimit ? strategy : Strategy.Rle };
}
