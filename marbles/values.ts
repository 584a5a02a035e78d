/**
 * Value maps of marble tests: strings in the notation become frames or
 * messages; anything else (a Frame object, a number, an ErrorMatcher) is kept.
 * The letter each value was given is remembered, so failure diagrams reuse it.
 */
import type { Frame, Message } from '../src/protocol/index.js';
import { parseValue } from './notation.js';

/** A marble value map: letter → value in the notation, or any value as is. */
export type ValueMap = Readonly<Record<string, unknown>>;

/** What `cold`/`hot` emit when given notation strings. */
export type WireValue = Frame | Message;

/** Parses notation strings of `values`; records letter hints for diagrams. */
export function parseValueMap(values: ValueMap | undefined, hints?: Map<unknown, string>): Record<string, unknown> | undefined {
  if (values === undefined) return undefined;
  const parsed: Record<string, unknown> = {};
  for (const [letter, value] of Object.entries(values)) {
    const v = typeof value === 'string' ? parseValue(value) : value;
    parsed[letter] = v;
    if (typeof v === 'object' && v !== null) hints?.set(v, letter);
  }
  return parsed;
}

/**
 * A value map in the notation for rxjs' own TestScheduler, when you do not use
 * `runMarbles`.
 * @example
 * testScheduler.run(({ cold }) => cold('a-b|', wireValues({ a: 'T1~"hel"', b: 'C"lo"' })));
 */
export function wireValues(values: ValueMap): Record<string, unknown> {
  return parseValueMap(values)!;
}

/** Parses a list of values (for the real-time helpers, which need no letters). */
export function parseValueList(values: readonly unknown[]): unknown[] {
  return values.map((v) => (typeof v === 'string' ? parseValue(v) : v));
}
