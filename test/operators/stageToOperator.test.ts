import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { createFrame, type Frame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { ExtensionError, ProtocolError } from '../../src/protocol/errors.js';
import type { Stage } from '../../src/protocol/extension.js';
import { stageToOperator } from '../../src/operators/stageToOperator.js';

// Synchronous frame/message stages run in virtual time: their operator form
// adds no asynchrony of its own, so marbles describe it exactly.
const enc = new TextEncoder();
const dec = new TextDecoder();
const values: Record<string, Frame> = {
  a: createFrame(Opcode.Text, enc.encode('a')),
  h: createFrame(Opcode.Text, enc.encode('he'), { fin: false }),
  l: createFrame(Opcode.Continuation, enc.encode('llo')),
  p: createFrame(Opcode.Ping, enc.encode('p')),
  c: createFrame(Opcode.Continuation, enc.encode('!')),
};
const label = (f: Frame) => `${f.opcode}:${dec.decode(f.payload)}`;
// Frames are compared by label; the comparator also receives subscription logs, passed as they are.
type Logged = { notification?: { kind: string; value?: Frame; error?: unknown } };
const readable = (messages: Logged[]) =>
  messages.map((m) =>
    m.notification?.value ? { ...m, notification: { ...m.notification, value: label(m.notification.value) } } : m,
  );
const scheduler = () => new TestScheduler((actual, expected) => expect(readable(actual)).toEqual(readable(expected)));

const upper: Stage = { kind: 'frame', process: (f) => ({ ...f, payload: enc.encode(dec.decode(f.payload).toUpperCase()) }) };
const joinTag: Stage = { kind: 'message', process: (m) => ({ ...m, data: enc.encode(`${dec.decode(m.data)}+`) }) };

describe('stageToOperator (marbles)', () => {
  it('frame stage: every data frame processed in place, control frames untouched', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const out = { A: createFrame(Opcode.Text, enc.encode('A')), H: createFrame(Opcode.Text, enc.encode('HE')), L: createFrame(Opcode.Continuation, enc.encode('LLO')), p: values.p! };
      expectObservable(cold('a-h-p-l|', values).pipe(stageToOperator(upper))).toBe('A-H-p-L|', out);
    });
  });

  it('message stage: emits the joined message when its last frame arrives; pings keep their place', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const out = { m: createFrame(Opcode.Text, enc.encode('hello+')), n: createFrame(Opcode.Text, enc.encode('a+')), p: values.p! };
      expectObservable(cold('h-p-l-a|', values).pipe(stageToOperator(joinTag))).toBe('--p-m-n|', out);
    });
  });

  it('an unexpected continuation errors with ProtocolError; a throwing stage with ExtensionError', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-c|', values).pipe(stageToOperator(joinTag))).toBe(
        'n-#',
        { n: createFrame(Opcode.Text, enc.encode('a+')) },
        new ProtocolError('continuation frame without a message to continue'),
      );
    });
    const failing: Stage = { kind: 'frame', process: () => { throw new Error('x'); } };
    let error: unknown;
    new TestScheduler(() => {}).run(({ cold }) => {
      cold('a|', values).pipe(stageToOperator(failing)).subscribe({ error: (e: unknown) => (error = e) });
    });
    expect(error).toBeInstanceOf(ExtensionError);
  });

  it('unsubscribing early stops a never-ending source', () => {
    scheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('a-a-a-a-a-', values);
      expectObservable(source.pipe(stageToOperator(upper)), '^--!').toBe('A-A-', { A: createFrame(Opcode.Text, enc.encode('A')) });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});
