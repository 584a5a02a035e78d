import { describe, expect, it } from 'vitest';
import { map } from 'rxjs';
import { createFrame, type Frame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { ExtensionError } from '../../src/protocol/errors.js';
import type { ExtensionSession, Stage } from '../../src/protocol/extension.js';
import { createExtensionPipeline } from '../../src/streams/extensionPipeline.js';
import { orderedTransform } from '../../src/streams/orderedTransform.js';
import { fromOperator } from '../../src/operators/fromOperator.js';
import { collect, countingSource, deferred, readAll, settle, sleep, streamOf } from './streamHelpers.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const text = (s: string, fin = true) => createFrame(Opcode.Text, enc.encode(s), { fin });
const cont = (s: string, fin = true) => createFrame(Opcode.Continuation, enc.encode(s), { fin });
const ping = (s: string) => createFrame(Opcode.Ping, enc.encode(s));
const show = (f: Frame) => `${f.opcode}:${dec.decode(f.payload)}${f.fin ? '' : '…'}`;
const tagged = (f: Frame, tag: string): Frame => ({ ...f, payload: enc.encode(dec.decode(f.payload) + tag) });

type Form = 'transform' | 'frame' | 'message' | 'operator';

/** A stage that appends `tag` to every data frame (or message), written in the given form. */
function tagStage(form: Form, tag: string): Stage {
  switch (form) {
    case 'transform':
      return {
        kind: 'transform',
        create: () =>
          new TransformStream<Frame, Frame>({
            transform: (f, c) => c.enqueue(f.opcode >= 8 ? f : tagged(f, tag)),
          }),
      };
    case 'frame':
      return { kind: 'frame', concurrency: 2, process: async (f) => (await sleep(1), tagged(f, tag)) };
    case 'message':
      return {
        kind: 'message',
        process: async (m) => ({ ...m, data: enc.encode(dec.decode(m.data) + tag) }),
      };
    case 'operator':
      return fromOperator(map((f: Frame) => (f.opcode >= 8 ? f : tagged(f, tag))));
  }
}

function session(name: string, outgoing: Stage, incoming: Stage, onClose?: () => void | Promise<void>): ExtensionSession {
  return { name, params: [], rsv: {}, outgoing, incoming, close: () => onClose?.() };
}

async function run(transform: TransformStream<Frame, Frame>, frames: Frame[]): Promise<string[]> {
  return (await collect(streamOf(frames).pipeThrough(transform))).map(show);
}

describe('createExtensionPipeline: composition', () => {
  const forms: Form[] = ['transform', 'frame', 'message', 'operator'];

  it('runs outgoing in negotiated order and incoming in reverse, whatever form each stage has', async () => {
    const sessions = forms.map((form, i) => session(`x-${form}`, tagStage(form, `${i}`), tagStage(forms[3 - i]!, `${i}`)));
    const pipeline = createExtensionPipeline(sessions);
    expect(await run(pipeline.outgoing, [text('a'), text('b')])).toEqual(['1:a0123', '1:b0123']);
    expect(await run(pipeline.incoming, [text('a'), text('b')])).toEqual(['1:a3210', '1:b3210']);
    await pipeline.close();
  });

  it('a message stage joins fragments; control frames go around the stages', async () => {
    const pipeline = createExtensionPipeline([
      session('frame', tagStage('frame', 'F'), tagStage('frame', 'f')),
      session('message', tagStage('message', 'M'), tagStage('message', 'm')),
    ]);
    const frames = [text('he', false), ping('p1'), cont('llo'), ping('p2'), text('x')];
    // Per-frame stage: every fragment tagged; the message stage emits the joined
    // message once its last fragment came. The pings are untouched and do not
    // wait for the (1 ms per frame) stages: both come out before the first message.
    expect(await run(pipeline.outgoing, frames)).toEqual(['9:p1', '9:p2', '1:heFlloFM', '1:xFM']);
    expect(await run(pipeline.incoming, frames)).toEqual(['9:p1', '9:p2', '1:hellomf', '1:xmf']);
    await pipeline.close();
  });

  it('with no sessions both directions pass frames through', async () => {
    const pipeline = createExtensionPipeline([]);
    // Where the ping lands relative to the data is not specified (it may overtake), only that both pass untouched.
    expect((await run(pipeline.outgoing, [text('a'), ping('p')])).sort()).toEqual(['1:a', '9:p']);
    expect(await run(pipeline.incoming, [text('b')])).toEqual(['1:b']);
    await pipeline.close();
  });

  it('message stages may set RSV bits and opcode of the resulting frame', async () => {
    const pipeline = createExtensionPipeline([
      session(
        'mark',
        { kind: 'message', process: (m) => ({ ...m, rsv1: true, opcode: Opcode.Binary }) },
        { kind: 'message', process: (m) => ({ ...m, rsv1: false }) },
      ),
    ]);
    const [frame] = await collect(streamOf([text('a', false), cont('b')]).pipeThrough(pipeline.outgoing));
    expect(frame).toMatchObject({ fin: true, rsv1: true, opcode: Opcode.Binary });
    expect(dec.decode(frame!.payload)).toBe('ab');
  });
});

describe('createExtensionPipeline: backpressure', () => {
  it('a slow reader holds the whole pipeline back, whatever the stage forms', async () => {
    const { stream, state } = countingSource(() => text('x'));
    const pipeline = createExtensionPipeline([
      session('a', { kind: 'frame', concurrency: 4, process: async (f) => f }, tagStage('frame', '')),
      session('b', tagStage('transform', 'b'), tagStage('transform', '')),
      session('c', tagStage('message', 'c'), tagStage('message', '')),
      session('d', tagStage('operator', 'd'), tagStage('operator', '')),
    ]);
    const reader = stream.pipeThrough(pipeline.outgoing).getReader();
    await sleep(30);
    const idle = state.pulled;
    // Each hop may hold a few frames (queues, concurrency), never an unbounded number.
    expect(idle).toBeLessThanOrEqual(10);
    for (let i = 0; i < 30; i++) expect(show((await reader.read()).value!)).toBe('1:xbcd');
    await sleep(30);
    expect(state.pulled - 30).toBeLessThanOrEqual(10);
    await reader.cancel();
    await pipeline.abort();
  });
});

describe('createExtensionPipeline: close', () => {
  // Fused function stages report per level; a stream-form stage is tracked by the pipe after it.
  it.each(['frame', 'transform'] as const)("closes each session as soon as its own stages are done, not after the slowest (fast session as %s)", async (fastForm) => {
    const events: string[] = [];
    const release = deferred();
    const slowOutgoing: Stage = {
      kind: 'frame',
      process: async (f) => {
        await release.promise;
        events.push('slow stage finished');
        return f;
      },
    };
    const pass: Stage =
      fastForm === 'frame' ? { kind: 'frame', process: (f) => f } : { kind: 'transform', create: () => new TransformStream() };
    // Outgoing: fast → slow. The fast session's stages are done once it handed its frame on.
    const pipeline = createExtensionPipeline([
      session('fast', pass, pass, () => void events.push('fast closed')),
      session('slow', slowOutgoing, pass, () => void events.push('slow closed')),
    ]);
    const out = collect(streamOf([text('a')]).pipeThrough(pipeline.outgoing));
    const inc = collect(streamOf([text('b')]).pipeThrough(pipeline.incoming));
    await inc;
    await settle(5);
    expect(events).toEqual(['fast closed']);
    let closed = false;
    const closing = pipeline.close().then(() => (closed = true));
    await settle();
    expect(closed).toBe(false);
    release.resolve();
    await out;
    await closing;
    expect(events).toEqual(['fast closed', 'slow stage finished', 'slow closed']);
  });

  it('close() waits for an asynchronous session close and reports its failure', async () => {
    const pass: Stage = { kind: 'frame', process: (f) => f };
    let finished = false;
    const failure = new Error('close failed');
    const pipeline = createExtensionPipeline([
      session('slow-close', pass, pass, async () => {
        await sleep(20);
        finished = true;
      }),
      session('bad-close', pass, pass, () => Promise.reject(failure)),
    ]);
    await collect(streamOf([text('a')]).pipeThrough(pipeline.outgoing));
    await collect(streamOf([text('b')]).pipeThrough(pipeline.incoming));
    await expect(pipeline.close()).rejects.toBe(failure);
    expect(finished).toBe(true);
  });
});

describe('createExtensionPipeline: errors', () => {
  it('an error stops its direction only; the other keeps flowing and close() still resolves', async () => {
    let closed = 0;
    const broken: Stage = {
      kind: 'frame',
      process: (f) => {
        if (dec.decode(f.payload) === 'bad') throw new Error('cannot encode');
        return f;
      },
    };
    const pass: Stage = { kind: 'transform', create: () => new TransformStream() };
    const pipeline = createExtensionPipeline([
      session('a', pass, pass, () => void closed++),
      session('b', broken, pass, () => void closed++),
    ]);
    const outgoing = readAll(streamOf([text('ok'), text('bad'), text('never')]).pipeThrough(pipeline.outgoing));

    const writer = pipeline.incoming.writable.getWriter();
    const reader = pipeline.incoming.readable.getReader();
    const { values, error } = await outgoing;
    expect(values.map(show)).toEqual(['1:ok']);
    expect(error).toBeInstanceOf(ExtensionError);
    expect((error as ExtensionError).closeCode).toBe(1011);
    expect(((error as ExtensionError).cause as Error).message).toBe('cannot encode');

    // Incoming still works after the outgoing failure.
    for (const s of ['x', 'y']) {
      void writer.write(text(s));
      expect(show((await reader.read()).value!)).toBe(`1:${s}`);
    }
    void writer.close();
    expect((await reader.read()).done).toBe(true);
    await pipeline.close();
    expect(closed).toBe(2);
  });

  it('in a run of function stages, frames ahead of a failing one still come out before the error', async () => {
    const failing: Stage = {
      kind: 'frame',
      process: (f) => {
        if (dec.decode(f.payload) === 'bad') throw new Error('bad frame');
        return f;
      },
    };
    const slow: Stage = { kind: 'frame', concurrency: 2, process: async (f) => (await sleep(20), tagged(f, '+')) };
    const pass: Stage = { kind: 'frame', process: (f) => f };
    const pipeline = createExtensionPipeline([session('a', failing, pass), session('b', slow, pass)]);
    const { values, error } = await readAll(streamOf([text('ok'), text('bad'), text('late')]).pipeThrough(pipeline.outgoing));
    // 'ok' was already in session b when 'bad' failed in session a: it is not lost.
    expect(values.map(show)).toEqual(['1:ok+']);
    expect(error).toBeInstanceOf(ExtensionError);
  });

  it('abort() stops both directions, aborts in-flight work and closes the sessions', async () => {
    const aborted: unknown[] = [];
    const hang: Stage = {
      kind: 'frame',
      process: (_f, { signal }) =>
        new Promise<Frame>((_resolve, reject) =>
          signal.addEventListener('abort', () => {
            aborted.push(signal.reason);
            reject(signal.reason);
          }),
        ),
    };
    let closed = false;
    const pipeline = createExtensionPipeline([session('hang', hang, hang, () => void (closed = true))]);
    const out = readAll(streamOf([text('a')]).pipeThrough(pipeline.outgoing));
    const inc = readAll(streamOf([text('b')]).pipeThrough(pipeline.incoming));
    await settle();
    const reason = new Error('connection lost');
    await pipeline.abort(reason);
    expect(aborted).toEqual([reason, reason]);
    expect(closed).toBe(true);
    expect((await out).error).toBe(reason);
    expect((await inc).error).toBe(reason);
  });

  it('cancelling the output cancels in-flight work of every stage in that direction', async () => {
    const aborted: string[] = [];
    const slow = (name: string): Stage => ({
      kind: 'transform',
      create: () =>
        orderedTransform<Frame, Frame>(
          (f, { signal }) =>
            new Promise((resolve) => {
              const t = setTimeout(() => resolve(f), 5_000);
              signal.addEventListener('abort', () => {
                clearTimeout(t);
                aborted.push(name);
                resolve(f);
              });
            }),
          { concurrency: 2 },
        ),
    });
    const pass: Stage = { kind: 'frame', process: (f) => f };
    const pipeline = createExtensionPipeline([session('one', slow('one'), pass), session('two', pass, pass)]);
    const reader = streamOf([text('a'), text('b')]).pipeThrough(pipeline.outgoing).getReader();
    const read = reader.read();
    await settle();
    await reader.cancel('stop');
    expect((await read).done).toBe(true);
    await settle(5);
    expect(aborted).toEqual(['one', 'one']);
    pipeline.incoming.writable.close();
    await collect(pipeline.incoming.readable);
    await pipeline.close();
  });
});
