// Random interleavings of fragmented messages and control frames, through sessions of every stage
// form with random latencies, on both faces: the stages see data only, and the ordering rules hold.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { concatMap, firstValueFrom, from, toArray } from 'rxjs';
import { createFrame, type Frame } from '../../src/protocol/frame.js';
import { Opcode, isControlOpcode } from '../../src/protocol/opcodes.js';
import type { ExtensionSession, Stage } from '../../src/protocol/extension.js';
import { createExtensionPipeline } from '../../src/streams/extensionPipeline.js';
import { applyExtensions } from '../../src/operators/applyExtensions.js';
import { fromOperator } from '../../src/operators/fromOperator.js';
import { collect, sleep, streamOf } from './streamHelpers.js';

type Form = 'transform' | 'operator' | 'frame';

// A frame's identity travels in its payload's first byte; stages append a byte per session.
const scenario = fc.record({
  // Each message: its fragment count, and how many control frames follow each fragment.
  messages: fc.array(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 }), { maxLength: 6 }),
  leadingControls: fc.integer({ min: 0, max: 2 }),
  close: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  forms: fc.array(fc.constantFrom<Form>('transform', 'operator', 'frame'), { minLength: 1, maxLength: 3 }),
  delays: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function buildInput(s: Scenario): Frame[] {
  const frames: Frame[] = [];
  let id = 0;
  const control = () => createFrame(id % 2 ? Opcode.Ping : Opcode.Pong, new Uint8Array([id++]));
  for (let i = 0; i < s.leadingControls; i++) frames.push(control());
  for (const fragments of s.messages) {
    fragments.forEach((controlsAfter, k) => {
      const opcode = k === 0 ? Opcode.Text : Opcode.Continuation;
      frames.push(createFrame(opcode, new Uint8Array([id++]), { fin: k === fragments.length - 1 }));
      for (let c = 0; c < controlsAfter; c++) frames.push(control());
    });
  }
  if (s.close !== undefined) {
    frames.push(createFrame(Opcode.Close, new Uint8Array([0x03, 0xe8, id++])));
    for (let c = 0; c < s.close; c++) frames.push(control());
  }
  return frames;
}

/** A data-only stage: appends `tag` to every payload after a latency; records every opcode it is handed. */
function stage(form: Form, tag: number, delays: readonly number[], seen: number[]): Stage {
  let n = 0;
  const work = async (f: Frame): Promise<Frame> => {
    seen.push(f.opcode);
    const ms = delays[n++ % delays.length]!;
    await (ms === 0 ? Promise.resolve() : sleep(ms));
    return { ...f, payload: Uint8Array.of(...f.payload, tag) };
  };
  switch (form) {
    case 'transform':
      return { kind: 'transform', create: () => new TransformStream<Frame, Frame>({ transform: async (f, c) => c.enqueue(await work(f)) }) };
    case 'operator':
      return fromOperator(concatMap((f: Frame) => from(work(f))));
    case 'frame':
      return { kind: 'frame', concurrency: 2, process: work };
  }
}

function check(input: Frame[], output: Frame[], seen: number[], tags: number[]): void {
  // The stages saw data frames only.
  expect(seen.every((op) => !isControlOpcode(op))).toBe(true);
  const id = (f: Frame) => f.payload[f.opcode === Opcode.Close ? 2 : 0];
  const data = (frames: Frame[]) => frames.filter((f) => !isControlOpcode(f.opcode));
  const controls = (frames: Frame[]) => frames.filter((f) => isControlOpcode(f.opcode));
  // Data in order, each processed by every session once; control frames in order and untouched.
  expect(data(output).map((f) => [...f.payload])).toEqual(data(input).map((f) => [id(f), ...tags]));
  expect(controls(output)).toEqual(controls(input));
  // Nothing data-like after a Close; everything after it in the input stays after it.
  const close = output.findIndex((f) => f.opcode === Opcode.Close);
  if (close >= 0) {
    expect(output.slice(close + 1).every((f) => isControlOpcode(f.opcode))).toBe(true);
    const after = input.slice(input.findIndex((f) => f.opcode === Opcode.Close) + 1);
    expect(output.slice(close + 1)).toEqual(after);
  }
}

describe('control bypass properties', () => {
  it('streams: stages see data only, data and control orders kept, a Close after all data', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const input = buildInput(s);
        const seen: number[] = [];
        const sessions: ExtensionSession[] = s.forms.map((form, i) => ({
          name: `x-${i}`,
          params: [],
          rsv: {},
          outgoing: stage(form, 100 + i, s.delays, seen),
          incoming: { kind: 'frame', process: (f) => f },
          close() {},
        }));
        const pipeline = createExtensionPipeline(sessions);
        const output = await collect(streamOf(input).pipeThrough(pipeline.outgoing));
        check(input, output, seen, s.forms.map((_, i) => 100 + i));
        await pipeline.incoming.writable.close();
        await collect(pipeline.incoming.readable);
        await pipeline.close();
      }),
      { numRuns: 40 },
    );
  });

  it('operators: the same rules', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const input = buildInput(s);
        const seen: number[] = [];
        const sessions: ExtensionSession[] = s.forms.map((form, i) => ({
          name: `x-${i}`,
          params: [],
          rsv: {},
          outgoing: stage(form, 100 + i, s.delays, seen),
          incoming: { kind: 'frame', process: (f) => f },
          close() {},
        }));
        const output = await firstValueFrom(from(input).pipe(applyExtensions(sessions).outgoing, toArray()));
        check(input, output, seen, s.forms.map((_, i) => 100 + i));
      }),
      { numRuns: 40 },
    );
  });
});
