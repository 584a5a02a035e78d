import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ExtensionSession, Message } from '../../src/protocol/index.js';
import { runMarbles } from '../index.js';

/** An async per-message stage that tags its output with RSV3. */
function asyncSession(concurrency: number): ExtensionSession {
  const stage = { kind: 'message' as const, concurrency, process: async (m: Message) => ({ ...m, rsv3: true }) };
  return { name: 'x-p', params: [], rsv: { rsv3: true }, outgoing: stage, incoming: stage, close() {} };
}

/** Runs `n` messages with the given latencies; returns [payload, virtual frame] per emission. */
async function emissions(latencies: number[], concurrency: number): Promise<[string, number][]> {
  const out: [string, number][] = [];
  await runMarbles(({ cold, send, withLatency, scheduler }) => {
    const letters = latencies.map((_, i) => String.fromCharCode(97 + i));
    const values = Object.fromEntries(letters.map((l) => [l, `t"${l}"`]));
    const slow = withLatency(asyncSession(concurrency), { outgoing: latencies });
    send(slow, cold(`${letters.join('')}|`, values)).subscribe((f) => out.push([new TextDecoder().decode(f.payload), scheduler.frame]));
  });
  return out;
}

describe('virtual time with out-of-order async work (property)', () => {
  it('emits every item once, in input order, at deterministic frames no earlier than its own latency', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 4 }), async (latencies, concurrency) => {
        const first = await emissions(latencies, concurrency);
        expect(first.map(([p]) => p)).toEqual(latencies.map((_, i) => String.fromCharCode(97 + i)));
        first.forEach(([, frame], i) => expect(frame).toBeGreaterThanOrEqual(i + latencies[i]!));
        for (let i = 1; i < first.length; i++) expect(first[i]![1]).toBeGreaterThanOrEqual(first[i - 1]![1]);
        expect(await emissions(latencies, concurrency)).toEqual(first);
      }),
      { numRuns: 25 },
    );
  });
});
