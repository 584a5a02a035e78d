/**
 * The echo benchmark's messages: JSON market ticks padded to exactly 200
 * characters, and JSON batches of ticks padded to exactly 64 KiB (32 distinct
 * batches, rotated, so compression cannot just repeat one message).
 */
import { marketTicks } from '../../src/node/cli/marketTicks.js';

/** Pads a JSON object string to exactly `size` characters with a filler field. */
function padded(json: string, size: number): string {
  const base = json.slice(0, -1) + ',"pad":""}';
  if (base.length > size) throw new Error(`message of ${base.length} characters does not fit in ${size}`);
  return base.slice(0, -2) + ' '.repeat(size - base.length) + '"}';
}

export function smallMessages(count: number): string[] {
  return [...marketTicks(count)].map((tick) => padded(tick, 200));
}

export function largeMessages(count: number): string[] {
  const distinct = Math.min(count, 32);
  const ticks = marketTicks(distinct * 600, 11);
  const batches: string[] = [];
  for (let i = 0; i < distinct; i++) {
    let batch = '{"type":"batch","ticks":[';
    for (;;) {
      const next = ticks.next().value as string;
      if (batch.length + next.length + 20 > 65_536) break;
      batch += (batch.endsWith('[') ? '' : ',') + next;
    }
    batches.push(padded(batch + ']}', 65_536));
  }
  return Array.from({ length: count }, (_, i) => batches[i % distinct]!);
}
