import { describe, expect, it } from 'vitest';
import { createFrame, type Frame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { ExtensionError, InvalidDataError, ProtocolError } from '../../src/protocol/errors.js';
import type { Stage } from '../../src/protocol/extension.js';
import { stageToTransform } from '../../src/streams/stageStream.js';
import { collect, readAll, sleep, streamOf } from './streamHelpers.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const text = (s: string, fin = true) => createFrame(Opcode.Text, enc.encode(s), { fin });
const cont = (s: string, fin = true) => createFrame(Opcode.Continuation, enc.encode(s), { fin });
const pong = (s: string) => createFrame(Opcode.Pong, enc.encode(s));
const show = (f: Frame) => `${f.opcode}:${dec.decode(f.payload)}${f.fin ? '' : '…'}`;

describe('stageToTransform', () => {
  it('frame stage: may drop, split or replace frames; control frames are never handed to it', async () => {
    const seen: number[] = [];
    const stage: Stage = {
      kind: 'frame',
      concurrency: 3,
      process: async (f) => {
        seen.push(f.opcode);
        const s = dec.decode(f.payload);
        await sleep(s.length);
        if (s === 'drop') return [];
        if (s === 'split') return [text('sp', false), cont('lit')];
        return f;
      },
    };
    const out = await collect(streamOf([text('split'), pong('p'), text('drop'), text('keep')]).pipeThrough(stageToTransform(stage)));
    expect(out.map(show)).toEqual(['1:sp…', '0:lit', '10:p', '1:keep']);
    expect(seen).not.toContain(Opcode.Pong);
  });

  it('message stage: processes whole messages concurrently, emits them in order', async () => {
    const stage: Stage = {
      kind: 'message',
      concurrency: 4,
      process: async (m) => {
        const s = dec.decode(m.data);
        await sleep(20 - s.length * 4);
        return { ...m, data: enc.encode(s.toUpperCase()) };
      },
    };
    const frames = [text('a'), text('b', false), cont('b'), text('c', false), cont('c', false), cont('c'), text('dddd')];
    const out = await collect(streamOf(frames).pipeThrough(stageToTransform(stage)));
    expect(out.map(show)).toEqual(['1:A', '1:BB', '1:CCC', '1:DDDD']);
  });

  it('message stage does not validate UTF-8 (payloads may still be encoded)', async () => {
    const stage: Stage = { kind: 'message', process: (m) => m };
    const bad = createFrame(Opcode.Text, new Uint8Array([0xff, 0xfe]));
    const [frame] = await collect(streamOf([bad]).pipeThrough(stageToTransform(stage)));
    expect([...frame!.payload]).toEqual([0xff, 0xfe]);
  });

  it('message stage: a continuation without a message is a ProtocolError (1002)', async () => {
    const stage: Stage = { kind: 'message', process: (m) => m };
    const { error } = await readAll(streamOf([cont('x')]).pipeThrough(stageToTransform(stage)));
    expect(error).toBeInstanceOf(ProtocolError);
  });

  it('untyped errors from an extension become ExtensionError (1011); typed ones pass unchanged', async () => {
    const boom = new Error('boom');
    const sync: Stage = { kind: 'frame', process: () => { throw boom; } };
    const asyncStage: Stage = { kind: 'message', process: async () => Promise.reject('string reason') };
    const typed: Stage = { kind: 'frame', process: async () => { throw new InvalidDataError('corrupt'); } };

    const a = await readAll(streamOf([text('x')]).pipeThrough(stageToTransform(sync)));
    expect(a.error).toBeInstanceOf(ExtensionError);
    expect((a.error as ExtensionError).cause).toBe(boom);
    const b = await readAll(streamOf([text('x')]).pipeThrough(stageToTransform(asyncStage)));
    expect(b.error).toBeInstanceOf(ExtensionError);
    expect((b.error as Error).message).toContain('string reason');
    const c = await readAll(streamOf([text('x')]).pipeThrough(stageToTransform(typed)));
    expect(c.error).toBeInstanceOf(InvalidDataError);
    expect((c.error as InvalidDataError).closeCode).toBe(1007);
  });

  it('transform stages get a fresh stream from create() each time', async () => {
    let created = 0;
    const stage: Stage = { kind: 'transform', create: () => (created++, new TransformStream<Frame, Frame>()) };
    const first = stageToTransform(stage);
    const second = stageToTransform(stage);
    expect(first).not.toBe(second);
    expect(created).toBe(2);
  });

  it('an unknown stage kind is a TypeError', () => {
    expect(() => stageToTransform({ kind: 'nope' } as unknown as Stage)).toThrow(TypeError);
  });
});
