// Control frames around the stages of applyExtensions(), in marbles.
import { describe, expect, it } from 'vitest';
import { delay, map, take, tap, type OperatorFunction } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createFrame, type Frame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { ExtensionError, ProtocolError } from '../../src/protocol/errors.js';
import type { ExtensionSession, Stage } from '../../src/protocol/extension.js';
import { applyExtensions } from '../../src/operators/applyExtensions.js';
import { fromOperator } from '../../src/operators/fromOperator.js';
import { runMarbles, closeWith } from '../../marbles/index.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const values: Record<string, Frame> = {
  a: createFrame(Opcode.Text, enc.encode('he'), { fin: false }),
  b: createFrame(Opcode.Continuation, enc.encode('llo')),
  t: createFrame(Opcode.Text, enc.encode('x')),
  e: createFrame(Opcode.Text, enc.encode('bad')),
  p: createFrame(Opcode.Ping, enc.encode('p')),
  q: createFrame(Opcode.Pong, enc.encode('q')),
  x: createFrame(Opcode.Close, new Uint8Array([0x03, 0xe8])),
};
/** What a data-only stage does to a payload: reversing it would corrupt a ping. */
const reversed = (f: Frame): Frame => ({ ...f, payload: f.payload.slice().reverse() });
const out: Record<string, Frame> = {
  ...values,
  A: reversed(values.a!),
  B: reversed(values.b!),
  T: reversed(values.t!),
};
const label = (f: Frame) => `${f.opcode}:${dec.decode(f.payload)}${f.fin ? '' : '…'}`;
type Logged = { notification?: { kind: string; value?: Frame; error?: unknown } };
const readable = (messages: Logged[]) =>
  messages.map((m) => (m.notification?.value ? { ...m, notification: { ...m.notification, value: label(m.notification.value) } } : m));
const scheduler = () => new TestScheduler((actual, expected) => expect(readable(actual)).toEqual(readable(expected)));

function session(outgoing: Stage, incoming: Stage = outgoing): ExtensionSession {
  return { name: 'x-test', params: [], rsv: {}, outgoing, incoming, close() {} };
}

/** An operator stage written for data frames only: reverses every payload, taking `ms` of virtual time. */
function slowReverse(ms: number, seen: number[]): Stage {
  const op: OperatorFunction<Frame, Frame> = (frames) =>
    frames.pipe(
      tap((f) => seen.push(f.opcode)),
      delay(ms),
      map((f) => {
        if (dec.decode(f.payload) === 'bad') throw new ExtensionError('cannot encode');
        return reversed(f);
      }),
    );
  return fromOperator(op);
}

describe('applyExtensions: control frames bypass the stages (virtual time)', () => {
  it('a ping written mid-message never reaches the operator stage and comes out ahead of the slow message', () => {
    const seen: number[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      const { outgoing } = applyExtensions([session(slowReverse(10, seen))]);
      // a at 0 → 10, p at 2 → at once, b at 4 → 14.
      expectObservable(cold('a-p-b|', values).pipe(outgoing)).toBe('--p 7ms A 3ms (B|)', out);
    });
    expect(seen).toEqual([Opcode.Text, Opcode.Continuation]);
  });

  it('control frames keep their order among themselves, in both directions through several sessions', () => {
    const seen: number[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      const { incoming } = applyExtensions([session(slowReverse(10, seen)), session({ kind: 'frame', process: (f) => f })]);
      expectObservable(cold('t-p-q|', values).pipe(incoming)).toBe('--p-q 5ms (T|)', out);
    });
    expect(seen).toEqual([Opcode.Text]);
  });

  it('a Close does not overtake the data before it; what follows it waits behind it', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const { outgoing } = applyExtensions([session(slowReverse(10, []))]);
      expectObservable(cold('t-x-p|', values).pipe(outgoing)).toBe('10ms (Txp|)', out);
    });
  });

  it('a data frame after a Close is a ProtocolError (1002)', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const { outgoing } = applyExtensions([session({ kind: 'frame', process: (f) => f })]);
      expectObservable(cold('x-t|', values).pipe(outgoing)).toBe('x-#', out, new ProtocolError('data frame (opcode 1) after a Close frame'));
    });
  });

  it('stages that complete on their own (take) end the direction', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const { outgoing } = applyExtensions([session(fromOperator(take(1)))]);
      // The first data frame passes (a one-byte payload, untouched), then the direction completes: q is not emitted.
      expectObservable(cold('p-t-q-t|', values).pipe(outgoing)).toBe('p-(t|)', out);
    });
  });

  it('after a stage error nothing more comes out, control frames included', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const { outgoing } = applyExtensions([session(slowReverse(3, []))]);
      // e fails when its delay ends at 5. The ping at 4 went around the stage before that; q at 6 never comes out.
      expectObservable(cold('t-e-p-q|', values).pipe(outgoing)).toBe('---Tp#', out, new ExtensionError('cannot encode'));
    });
  });
});

describe('runMarbles: control frames bypass TransformStream and function stages', () => {
  it('a ping between fragments never reaches a TransformStream stage and leaves before the slow message', async () => {
    const seen: number[] = [];
    await runMarbles(({ cold, receive, sleep, expectObservable }) => {
      const stream: Stage = {
        kind: 'transform',
        create: () =>
          new TransformStream<Frame, Frame>({
            transform: async (f, controller) => {
              seen.push(f.opcode);
              await sleep(10);
              controller.enqueue({ ...f, payload: f.payload.map((b) => b - 1) });
            },
          }),
      };
      const wire = cold('a-p-b|', { a: 'T~"if"', p: 'P"ping"', b: 'C"mmp"' });
      // The ping is delivered at once; the message once both fragments went through the stage (one at a time: 0→10→20).
      expectObservable(receive(session(stream), wire)).toBe('--p 17ms (m|)', { p: 'P"ping"', m: 't"hello"' });
    });
    expect(seen).toEqual([Opcode.Text, Opcode.Continuation]);
  });

  it('send(): a Close after a slow message goes on the wire after it', async () => {
    await runMarbles(({ cold, send, withLatency, expectObservable }) => {
      const slow = withLatency(session({ kind: 'message', process: (m) => m }), { outgoing: 20 });
      const app = cold('a-p-x|', { a: 't"bye"', p: 'P"p"', x: 'X(1000)' });
      expectObservable(send(slow, app)).toBe('--p 17ms (ax|)', { p: 'P"p"', a: 'T"bye"', x: 'X(1000)""' });
    });
  });

  it('receive(): data after the peer\'s Close fails with 1002', async () => {
    await runMarbles(({ cold, receive, expectObservable }) => {
      const wire = cold('x-a|', { x: 'X(1000)', a: 'T"late"' });
      expectObservable(receive(session({ kind: 'frame', process: (f) => f }), wire)).toBe('x-#', { x: 'X(1000)""' }, closeWith(ProtocolError, 1002));
    });
  });
});
