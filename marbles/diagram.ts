/**
 * Turns TestScheduler notification records back into marble diagrams, so a
 * failing test shows the expected and the actual timeline one above the other
 * instead of two arrays of JSON. Diagrams use run-mode syntax (one character
 * per virtual millisecond, `(ab)` for same-frame groups, ` 20ms ` for long
 * gaps); re-parsing a rendered diagram yields the same frames.
 */
import type { TestMessage } from 'rxjs/internal/testing/TestMessage';
import { formatValue } from './format.js';

/** Gaps longer than this render as ` Nms ` instead of a run of dashes. */
const LONG_GAP = 12;

/** Renders records as a marble string; `nameOf` gives each next-value its character. */
export function renderDiagram(records: readonly TestMessage[], nameOf: (value: unknown) => string): string {
  let out = '';
  let cursor = 0;
  for (const group of groupByFrame(records)) {
    const gap = group.frame - cursor;
    if (gap < 0) {
      // A previous group is wider than the time to the next emission: say so
      // rather than draw a diagram that would parse to different frames.
      out += `⟨@${group.frame}⟩`;
    } else if (gap > LONG_GAP) {
      out += `${out.length > 0 ? ' ' : ''}${gap}ms `;
    } else {
      out += '-'.repeat(gap);
    }
    const symbols = group.records.map((r) => symbolOf(r, nameOf)).join('');
    out += group.records.length > 1 ? `(${symbols})` : symbols;
    cursor = Math.max(cursor, group.frame) + (group.records.length > 1 ? group.records.length + 2 : 1);
  }
  return out;
}

function symbolOf(record: TestMessage, nameOf: (value: unknown) => string): string {
  const n = record.notification;
  if (n.kind === 'C') return '|';
  if (n.kind === 'E') return '#';
  return nameOf(n.value);
}

function groupByFrame(records: readonly TestMessage[]): { frame: number; records: TestMessage[] }[] {
  const groups: { frame: number; records: TestMessage[] }[] = [];
  for (const record of records) {
    const last = groups[groups.length - 1];
    if (last && last.frame === record.frame) last.records.push(record);
    else groups.push({ frame: record.frame, records: [record] });
  }
  return groups;
}

const NAME_POOL = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZαβγδεζηθικλμνξοπρστυφχψω'];

/**
 * Gives values one-character names: a value equal to one already named gets
 * that name (so expected and actual diagrams line up), hints come first
 * (the letters the test itself used), new values take the next free letter.
 */
export class ValueNamer {
  private readonly named: { value: unknown; name: string; origin: 'expected' | 'actual' | 'both' }[] = [];
  private readonly used = new Set<string>();

  constructor(
    private readonly equal: (a: unknown, b: unknown) => boolean,
    private readonly hints: ReadonlyMap<unknown, string> = new Map(),
  ) {}

  name(value: unknown, origin: 'expected' | 'actual'): string {
    const existing = this.named.find((n) => (n.origin === 'actual' ? this.equal(value, n.value) : this.equal(n.value, value)));
    if (existing) {
      if (existing.origin !== origin) existing.origin = 'both';
      return existing.name;
    }
    const hint = this.hints.get(value);
    const name = hint !== undefined && !this.used.has(hint) ? hint : NAME_POOL.find((c) => !this.used.has(c)) ?? '?';
    this.used.add(name);
    this.named.push({ value, name, origin });
    return name;
  }

  /** One legend line per named value, marking those seen on one side only. */
  legend(): string[] {
    return this.named.map(({ value, name, origin }) => {
      const side = origin === 'both' ? '' : `   (${origin} only)`;
      return `${name} = ${formatValue(value)}${side}`;
    });
  }
}
