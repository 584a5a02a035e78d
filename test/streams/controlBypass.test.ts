// Control frames around the extension stages of a pipeline (runs on native streams and on the polyfill).
import { describe, expect, it } from 'vitest';
import { concatMap, from } from 'rxjs';
import { createFrame, type Frame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { ExtensionError, ProtocolError } from '../../src/protocol/errors.js';
import type { ExtensionSession, Stage } from '../../src/protocol/extension.js';
import { createExtensionPipeline, type ExtensionPipeline } from '../../src/streams/extensionPipeline.js';
import { fromOperator } from '../../src/operators/fromOperator.js';
import { deferred, readAll, settle, type Deferred } from './streamHelpers.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const text = (s: string, fin = true) => createFrame(Opcode.Text, enc.encode(s), { fin });
const cont = (s: string, fin = true) => createFrame(Opcode.Continuation, enc.encode(s), { fin });
const ping = (s: string) => createFrame(Opcode.Ping, enc.encode(s));
const pong = (s: string) => createFrame(Opcode.Pong, enc.encode(s));
const close = () => createFrame(Opcode.Close, new Uint8Array([0x03, 0xe8]));
const show = (f: Frame) => `${f.opcode}:${f.opcode === Opcode.Close ? 'close' : dec.decode(f.payload)}${f.fin ? '' : '…'}`;

function session(outgoing: Stage, incoming: Stage = { kind: 'frame', process: (f) => f }, onClose?: () => void): ExtensionSession {
  return { name: 'x-test', params: [], rsv: {}, outgoing, incoming, close: () => onClose?.() };
}

/**
 * A stage written for data only, as a user would: it "encodes" every payload it
 * is given (reversing the bytes would corrupt a ping) and holds each frame until
 * the test releases it. It records every opcode it was handed.
 */
function slowDataStage(form: 'transform' | 'operator' | 'frame' | 'message') {
  const seen: number[] = [];
  const gates: Deferred<void>[] = [];
  const gate = (i: number) => (gates[i] ??= deferred());
  let calls = 0;
  const encode = async (f: Frame): Promise<Frame> => {
    seen.push(f.opcode);
    await gate(calls++).promise;
    return { ...f, payload: f.payload.slice().reverse() };
  };
  let stage: Stage;
  switch (form) {
    case 'transform':
      stage = { kind: 'transform', create: () => new TransformStream<Frame, Frame>({ transform: async (f, c) => c.enqueue(await encode(f)) }) };
      break;
    case 'operator':
      stage = fromOperator(concatMap((f: Frame) => from(encode(f))));
      break;
    case 'frame':
      stage = { kind: 'frame', process: encode };
      break;
    case 'message':
      stage = {
        kind: 'message',
        process: async (m) => {
          const f = await encode({ fin: true, rsv1: m.rsv1, rsv2: m.rsv2, rsv3: m.rsv3, opcode: m.opcode, payload: m.data });
          return { ...m, data: f.payload };
        },
      };
      break;
  }
  return { stage, seen, release: (i: number) => gate(i).resolve() };
}

/** Ends the incoming direction (unused by most tests), then waits for every session to close. */
async function finish(pipeline: ExtensionPipeline, direction: 'incoming' | 'outgoing' = 'incoming'): Promise<void> {
  const rest = readAll(pipeline[direction].readable);
  await pipeline[direction].writable.close();
  await rest;
  await pipeline.close();
}

/** Reads in the background, recording what came out. */
function drain(readable: ReadableStream<Frame>) {
  const out: string[] = [];
  const reader = readable.getReader();
  const ended = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      out.push(show(value));
    }
  })();
  ended.catch(() => {});
  return { out, ended, reader };
}

describe('createExtensionPipeline: control frames bypass the stages', () => {
  it.each(['transform', 'operator', 'frame', 'message'] as const)(
    'a ping written mid-message never reaches a %s stage and comes out ahead of the slow message',
    async (form) => {
      const slow = slowDataStage(form);
      const pipeline = createExtensionPipeline([session(slow.stage)]);
      const writer = pipeline.outgoing.writable.getWriter();
      const output = drain(pipeline.outgoing.readable);
      await writer.write(text('ab', false)); // taken by the stage, which holds it
      await writer.write(ping('p1'));
      await writer.write(pong('p2'));
      await settle();
      // Out before the stage let go of the first fragment, in their order, untouched.
      expect(output.out).toEqual(['9:p1', '10:p2']);
      const rest = writer.write(cont('cd'));
      slow.release(0);
      slow.release(1);
      await rest;
      await writer.close();
      await output.ended;
      const data = form === 'message' ? ['1:dcba'] : ['1:ba…', '0:dc'];
      expect(output.out).toEqual(['9:p1', '10:p2', ...data]);
      // The stage saw data frames only.
      expect(slow.seen).toEqual(form === 'message' ? [Opcode.Text] : [Opcode.Text, Opcode.Continuation]);
      await finish(pipeline);
    },
  );

  it('the incoming direction routes control frames around every session the same way', async () => {
    const a = slowDataStage('transform');
    const b = slowDataStage('frame');
    const pipeline = createExtensionPipeline([session(a.stage, a.stage), session(b.stage, b.stage)]);
    const writer = pipeline.incoming.writable.getWriter();
    const output = drain(pipeline.incoming.readable);
    await writer.write(text('xy'));
    await writer.write(ping('in'));
    await settle();
    expect(output.out).toEqual(['9:in']);
    b.release(0);
    a.release(0);
    await writer.close();
    await output.ended;
    expect(output.out).toEqual(['9:in', '1:xy']); // reversed twice
    expect([...a.seen, ...b.seen]).toEqual([Opcode.Text, Opcode.Text]);
    await finish(pipeline, 'outgoing');
  });
});

describe('createExtensionPipeline: Close ends the data', () => {
  // The last stage decides where control frames are put: an ordered chain (function forms) or the identity chain after a stream.
  it.each(['transform', 'operator', 'frame', 'message'] as const)('a Close waits for the data written before a %s stage; control frames after it wait behind it', async (form) => {
    const slow = slowDataStage(form);
    let sessionClosed = false;
    const pipeline = createExtensionPipeline([session(slow.stage, undefined, () => void (sessionClosed = true))]);
    const writer = pipeline.outgoing.writable.getWriter();
    const output = drain(pipeline.outgoing.readable);
    await writer.write(text('last'));
    await writer.write(ping('before'));
    await writer.write(close());
    await writer.write(pong('after'));
    await settle();
    // The ping overtook the message; the Close must not (no data may follow a Close).
    expect(output.out).toEqual(['9:before']);
    slow.release(0);
    await settle();
    expect(output.out).toEqual(['9:before', '1:tsal', '8:close', '10:after']);
    // The Close ended the stages' input: once the other direction ends, the session closes, although
    // this direction is still open.
    const incoming = readAll(pipeline.incoming.readable);
    await pipeline.incoming.writable.close();
    await incoming;
    await settle(5);
    expect(sessionClosed).toBe(true);
    await writer.write(ping('later')); // control frames after the Close still pass
    await writer.close();
    await output.ended;
    expect(output.out.at(-1)).toBe('9:later');
    await pipeline.close();
  }, 10_000);

  it('a data frame after a Close is a ProtocolError (1002) and stops the direction', async () => {
    const pipeline = createExtensionPipeline([session({ kind: 'frame', process: (f) => f })]);
    const writer = pipeline.outgoing.writable.getWriter();
    const result = readAll(pipeline.outgoing.readable);
    await writer.write(text('a'));
    await writer.write(close());
    const error = await writer.write(text('b')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).closeCode).toBe(1002);
    const { values, error: readError } = await result;
    expect(readError).toBe(error);
    expect(values.map(show)).not.toContain('1:b');
    await finish(pipeline);
  });
});

describe('createExtensionPipeline: errors, abort and bounds with the bypass', () => {
  it('after a stage error nothing more comes out: a later ping is refused, not emitted', async () => {
    const failing: Stage = {
      kind: 'transform',
      create: () =>
        new TransformStream<Frame, Frame>({
          transform: (f, c) => {
            if (dec.decode(f.payload) === 'bad') throw new ExtensionError('cannot encode');
            c.enqueue(f);
          },
        }),
    };
    const pipeline = createExtensionPipeline([session(failing)]);
    const writer = pipeline.outgoing.writable.getWriter();
    const result = readAll(pipeline.outgoing.readable);
    await writer.write(text('ok'));
    await writer.write(text('bad')).catch(() => {});
    await settle();
    await expect(writer.write(ping('too late'))).rejects.toBeInstanceOf(ExtensionError);
    const { values, error } = await result;
    expect(error).toBeInstanceOf(ExtensionError);
    expect(values.map(show)).toEqual(['1:ok']);
    await finish(pipeline);
  });

  it('abort() stops a direction whose message is stuck in a stage, with control frames waiting behind a Close', async () => {
    const slow = slowDataStage('frame');
    const pipeline = createExtensionPipeline([session(slow.stage)]);
    const writer = pipeline.outgoing.writable.getWriter();
    const result = readAll(pipeline.outgoing.readable);
    await writer.write(text('stuck'));
    await writer.write(close());
    await writer.write(ping('held'));
    const reason = new Error('going away');
    const aborting = pipeline.abort(reason);
    slow.release(0); // the stage ignores its signal: abort() waits for it, then drops its result
    await aborting;
    const { values, error } = await result;
    expect(error).toBe(reason);
    expect(values).toEqual([]);
    await expect(writer.closed).rejects.toBe(reason);
  });

  it('a cancelled reader stops the input: a control frame written afterwards is refused', async () => {
    const pipeline = createExtensionPipeline([session({ kind: 'transform', create: () => new TransformStream() })]);
    const writer = pipeline.outgoing.writable.getWriter();
    const reason = new Error('reader gone');
    await pipeline.outgoing.readable.cancel(reason);
    await settle();
    await expect(writer.write(ping('x'))).rejects.toBe(reason);
    await finish(pipeline);
  });

  it('a reader cancelled after a Close came out: later control frames are refused, not dropped', async () => {
    const pipeline = createExtensionPipeline([session({ kind: 'frame', process: (f) => f })]);
    const writer = pipeline.outgoing.writable.getWriter();
    const reader = pipeline.outgoing.readable.getReader();
    await writer.write(close());
    expect(show((await reader.read()).value!)).toBe('8:close');
    const reason = new Error('reader gone');
    await reader.cancel(reason);
    await expect(writer.write(pong('x'))).rejects.toBe(reason);
    await finish(pipeline);
  });

  it('close() on the writable waits until the stages have emitted their last frame', async () => {
    const slow = slowDataStage('operator');
    const pipeline = createExtensionPipeline([session(slow.stage)]);
    const writer = pipeline.outgoing.writable.getWriter();
    const output = drain(pipeline.outgoing.readable);
    await writer.write(text('m'));
    let closed = false;
    const closing = writer.close().then(() => (closed = true));
    await settle();
    expect(closed).toBe(false);
    slow.release(0);
    await closing;
    await output.ended;
    expect(output.out).toEqual(['1:m']);
    await finish(pipeline);
  });

  it('a reader that never reads holds back a writer of control frames after a bounded number', async () => {
    const pipeline = createExtensionPipeline([session({ kind: 'frame', process: (f) => f })]);
    const writer = pipeline.outgoing.writable.getWriter();
    let accepted = 0;
    const writing = (async () => {
      for (let i = 0; i < 100; i++) {
        await writer.write(ping(`${i}`));
        accepted++;
      }
    })();
    writing.catch(() => {});
    await settle(10);
    // 16 unread control frames: the 16th write waits.
    expect(accepted).toBe(15);
    // Once the reader has caught up, the writer goes on; the order is kept.
    const reader = pipeline.outgoing.readable.getReader();
    for (let i = 0; i < 20; i++) expect(show((await reader.read()).value!)).toBe(`9:${i}`);
    await settle();
    expect(accepted).toBeGreaterThanOrEqual(20);
    expect(accepted).toBeLessThanOrEqual(20 + 15);
    await reader.cancel();
    await pipeline.abort();
  });
});

describe('aborting a direction while a write is pending', () => {
  // Node 20's writableStreamAbort does not re-check the stream's state after
  // signalling abort: a listener that errors the writable there trips
  // ERR_INTERNAL_ASSERTION as an unhandled rejection (which fails this run).
  it('rejects the pending write with the abort reason and nothing else', async () => {
    const failures: unknown[] = [];
    const onUnhandled = (error: unknown) => failures.push(error);
    process.on('unhandledRejection', onUnhandled);
    try {
      for (let i = 0; i < 20; i++) {
        const pipeline = createExtensionPipeline([session({ kind: 'frame', process: (f) => f })]);
        const writer = pipeline.outgoing.writable.getWriter();
        const pending = writer.write(text(`m${i}`)).then(
          () => 'written',
          (error: unknown) => error,
        );
        const reason = new Error(`stop ${i}`);
        await writer.abort(reason).catch(() => {});
        const outcome = await pending;
        expect(outcome === 'written' || outcome === reason).toBe(true);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(failures).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
