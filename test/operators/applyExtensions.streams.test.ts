import { describe, expect, it } from 'vitest';
import { firstValueFrom, from, map, type Observable, toArray } from 'rxjs';
import { createFrame, type Frame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { ExtensionError } from '../../src/protocol/errors.js';
import type { ExtensionSession, Stage } from '../../src/protocol/extension.js';
import { createExtensionPipeline } from '../../src/streams/extensionPipeline.js';
import { applyExtensions } from '../../src/operators/applyExtensions.js';
import { fromOperator } from '../../src/operators/fromOperator.js';
import { stageToOperator } from '../../src/operators/stageToOperator.js';
import { collect, sleep, streamOf } from '../streams/streamHelpers.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const text = (s: string, fin = true) => createFrame(Opcode.Text, enc.encode(s), { fin });
const cont = (s: string, fin = true) => createFrame(Opcode.Continuation, enc.encode(s), { fin });
const ping = (s: string) => createFrame(Opcode.Ping, enc.encode(s));
const show = (f: Frame) => `${f.opcode}:${dec.decode(f.payload)}${f.fin ? '' : '…'}`;
const tagged = (f: Frame, tag: string): Frame => ({ ...f, payload: enc.encode(dec.decode(f.payload) + tag) });

const forms = ['transform', 'frame', 'message', 'operator'] as const;
type Form = (typeof forms)[number];

function tagStage(form: Form, tag: string): Stage {
  switch (form) {
    case 'transform':
      return {
        kind: 'transform',
        create: () => new TransformStream<Frame, Frame>({ transform: (f, c) => c.enqueue(f.opcode >= 8 ? f : tagged(f, tag)) }),
      };
    case 'frame':
      return { kind: 'frame', concurrency: 3, process: async (f) => (await sleep(f.payload.length % 3), tagged(f, tag)) };
    case 'message':
      return { kind: 'message', concurrency: 2, process: async (m) => ({ ...m, data: enc.encode(dec.decode(m.data) + tag) }) };
    case 'operator':
      return fromOperator(map((f: Frame) => (f.opcode >= 8 ? f : tagged(f, tag))));
  }
}

const session = (name: string, outgoing: Stage, incoming: Stage): ExtensionSession => ({
  name,
  params: [],
  rsv: {},
  outgoing,
  incoming,
  close() {},
});

const run = async (frames: Frame[], operator: (s: Observable<Frame>) => Observable<Frame>) =>
  (await firstValueFrom(from(frames).pipe(operator, toArray()))).map(show);

describe('applyExtensions', () => {
  // Every permutation-free rotation of the four forms, so each form sits at every position.
  const rotations = forms.map((_, r) => forms.map((__, i) => forms[(i + r) % 4]!));

  it.each(rotations)('outgoing in order, incoming reversed: %s, %s, %s, %s', async (...order: Form[]) => {
    const sessions = order.map((form, i) => session(form, tagStage(form, `${i}`), tagStage(form, `${i}`)));
    const { outgoing, incoming } = applyExtensions(sessions);
    const frames = [text('a'), ping('p'), text('b', false), cont('c')];
    const out = await run(frames, outgoing);
    const inc = await run(frames, incoming);
    expect(out.filter((f) => f.startsWith('1:'))).toEqual(['1:a0123', expect.stringMatching(/^1:b.*c.*0123$/)]);
    expect(inc.filter((f) => f.startsWith('1:'))).toEqual(['1:a3210', expect.stringMatching(/^1:b.*c.*3210$/)]);
    expect(out).toContain('9:p');

    // Same sessions as streams give the same frames.
    const pipeline = createExtensionPipeline(sessions);
    expect((await collect(streamOf(frames).pipeThrough(pipeline.outgoing))).map(show)).toEqual(out);
    expect((await collect(streamOf(frames).pipeThrough(pipeline.incoming))).map(show)).toEqual(inc);
    await pipeline.close();
  });

  it('no sessions: identity', async () => {
    const { outgoing, incoming } = applyExtensions([]);
    expect(await run([text('x')], outgoing)).toEqual(['1:x']);
    expect(await run([text('y')], incoming)).toEqual(['1:y']);
  });

  it('an error in one direction is typed and leaves the other direction working', async () => {
    const broken: Stage = {
      kind: 'message',
      process: () => {
        throw new RangeError('window too small');
      },
    };
    const { outgoing, incoming } = applyExtensions([session('x', broken, tagStage('frame', '!'))]);
    const failure = await run([text('a')], outgoing).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ExtensionError);
    expect((failure as ExtensionError).closeCode).toBe(1011);
    expect(await run([text('a'), text('b')], incoming)).toEqual(['1:a!', '1:b!']);
  });
});

describe('stageToOperator / fromOperator', () => {
  it('a message stage as an operator keeps assembler state per subscription', async () => {
    const op = stageToOperator(tagStage('message', '#'));
    // Two independent subscriptions, each with its own half-assembled message.
    const [a, b] = await Promise.all([
      firstValueFrom(from([text('a', false), ping('1'), cont('b')]).pipe(op, toArray())),
      firstValueFrom(from([text('x', false), cont('y', false), cont('z')]).pipe(op, toArray())),
    ]);
    expect(a.map(show)).toEqual(['9:1', '1:ab#']);
    expect(b.map(show)).toEqual(['1:xyz#']);
  });

  it('fromOperator().create() runs the same operator as a stream', async () => {
    const stage = fromOperator(map((f: Frame) => tagged(f, '*')));
    const out = await collect(streamOf([text('q')]).pipeThrough(stage.create()));
    expect(out.map(show)).toEqual(['1:q*']);
    expect(stageToOperator(stage)).toBe(stage.operator);
  });
});
