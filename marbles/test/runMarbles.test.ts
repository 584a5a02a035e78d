import { describe, expect, it } from 'vitest';
import { delay, map, type OperatorFunction } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { applyExtensions, fromOperator } from '../../src/operators/index.js';
import { InvalidDataError, ProtocolError, type ExtensionSession, type Frame, type Message, type Stage } from '../../src/protocol/index.js';
import { runMarbles, closeWith, frame, MarbleMismatchError } from '../index.js';

const upper = (bytes: Uint8Array) => bytes.map((b) => (b >= 97 && b <= 122 ? b - 32 : b));
const lower = (bytes: Uint8Array) => bytes.map((b) => (b >= 65 && b <= 90 ? b + 32 : b));

/** A session from two stages; RSV3 marks its frames. */
function session(outgoing: Stage, incoming: Stage, name = 'x-test'): ExtensionSession {
  return { name, params: [], rsv: { rsv3: true }, outgoing, incoming, close() {} };
}

const identity: Stage = { kind: 'frame', process: (f: Frame) => f };

const upperFrames = session(
  { kind: 'frame', process: (f: Frame) => ({ ...f, rsv3: true, payload: upper(f.payload) }) },
  { kind: 'frame', process: (f: Frame) => ({ ...f, rsv3: false, payload: lower(f.payload) }) },
);

/** Per-message async work (a real promise), optionally concurrent. */
function asyncUpperMessages(concurrency: number): ExtensionSession {
  return session(
    { kind: 'message', concurrency, process: async (m: Message) => ({ ...m, rsv3: true, data: upper(m.data) }) },
    { kind: 'message', concurrency, process: async (m: Message) => ({ ...m, rsv3: false, data: lower(m.data) }) },
  );
}

describe('runMarbles with extension sessions', () => {
  it('reads like the wire: messages out, frames on the wire, messages back in', async () => {
    await runMarbles(({ cold, send, receive, expectObservable }) => {
      const app = cold('a-b|', { a: 't"hello"', b: 'b"bytes"' });
      expectObservable(send(upperFrames, app)).toBe('a-b|', { a: 'T3"HELLO"', b: 'B3"BYTES"' });
      const wire = cold('a-b--c|', { a: 'T3~"HEL"', b: 'P"ping"', c: 'C3"LO"' });
      expectObservable(receive(upperFrames, wire)).toBe('--b--c|', { b: 'P"ping"', c: 't"hello"' });
    });
  });

  it('fragments messages for the outgoing direction', async () => {
    await runMarbles(({ cold, send, expectObservable }) => {
      expectObservable(send(upperFrames, cold('(a|)', { a: 't"hello"' }), { maxFramePayload: 2 })).toBe('(abc|)', {
        a: 'T3~"HE"',
        b: 'C3~"LL"',
        c: 'C3"O"',
      });
    });
  });

  it('waits for promise-based stages: real async work takes no virtual time', async () => {
    await runMarbles(({ cold, send, expectObservable }) => {
      expectObservable(send(asyncUpperMessages(2), cold('a-b-c|', { a: 't"x"', b: 't"y"', c: 't"z"' }))).toBe('a-b-c|', {
        a: 'T3"X"',
        b: 'T3"Y"',
        c: 'T3"Z"',
      });
    });
  });

  it('why the kit exists: rxjs run() alone loses the output of promise-based stages', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ cold, expectObservable }) => {
      const input = cold('a|', { a: frame('T"x"') });
      // The promise settles after run()'s synchronous flush: nothing is recorded, not even completion.
      expectObservable(input.pipe(applyExtensions([asyncUpperMessages(1)]).outgoing)).toBe('');
    });
  });

  it('withLatency: out-of-order completion still leaves in wire order', async () => {
    await runMarbles(({ cold, send, withLatency, expectObservable }) => {
      // a finishes at 30, b at 11, c at 22: b and c wait for a.
      const slow = withLatency(asyncUpperMessages(3), { outgoing: [30, 10, 20] });
      expectObservable(send(slow, cold('abc|', { a: 't"a"', b: 't"b"', c: 't"c"' }))).toBe('30ms (abc|)', {
        a: 'T3"A"',
        b: 'T3"B"',
        c: 'T3"C"',
      });
    });
  });

  it('withLatency: concurrency 1 serialises the work', async () => {
    await runMarbles(({ cold, send, withLatency, expectObservable }) => {
      const slow = withLatency(asyncUpperMessages(1), { outgoing: [30, 10, 20] });
      // a: 0→30, b: 30→40, c: 40→60
      expectObservable(send(slow, cold('abc|', { a: 't"a"', b: 't"b"', c: 't"c"' }))).toBe('30ms a 9ms b 19ms (c|)', {
        a: 'T3"A"',
        b: 'T3"B"',
        c: 'T3"C"',
      });
    });
  });

  it('control frames bypass extensions and overtake slow messages, as in a connection', async () => {
    await runMarbles(({ cold, receive, withLatency, expectObservable }) => {
      const slow = withLatency(asyncUpperMessages(1), { incoming: 10 });
      const wire = cold('a-p|', { a: 'T3"HELLO"', p: 'P"ping"' });
      expectObservable(receive(slow, wire)).toBe('--p 7ms (a|)', { p: 'P"ping"', a: 't"hello"' });
    });
  });

  it('errors carry their close code; nothing follows them', async () => {
    const strict = session(
      { kind: 'frame', process: (f: Frame) => f },
      {
        kind: 'frame',
        process: (f: Frame) => {
          if (!f.rsv3) throw new InvalidDataError('missing RSV3');
          return { ...f, rsv3: false };
        },
      },
    );
    await runMarbles(({ cold, receive, expectObservable }) => {
      const wire = cold('a-b-c|', { a: 'T3"ok"', b: 'T"bad"', c: 'T3"late"' });
      expectObservable(receive(strict, wire)).toBe('a-#', { a: 't"ok"' }, closeWith(InvalidDataError, 1007));
    });
  });

  it('runs operator stages on rxjs time in virtual time', async () => {
    const op: OperatorFunction<Frame, Frame> = (frames) => frames.pipe(delay(5), map((f) => ({ ...f, rsv3: true })));
    const delayed = session(fromOperator(op), { kind: 'frame', process: (f: Frame) => f });
    await runMarbles(({ cold, send, expectObservable }) => {
      expectObservable(send(delayed, cold('a-b|', { a: 'T"1"', b: 'T"2"' }))).toBe('-----a-(b|)', { a: 'T3"1"', b: 'T3"2"' });
    });
  });

  it('runs TransformStream stages', async () => {
    const stream: Stage = {
      kind: 'transform',
      create: () =>
        new TransformStream<Frame, Frame>({
          transform: (f, controller) => controller.enqueue({ ...f, rsv3: true, payload: upper(f.payload) }),
        }),
    };
    await runMarbles(({ cold, send, expectObservable }) => {
      expectObservable(send(session(stream, stream), cold('a-b|', { a: 'T"x"', b: 'B"y"' }))).toBe('a-b|', {
        a: 'T3"X"',
        b: 'B3"Y"',
      });
    });
  });

  it('sleep() gives stage functions virtual time of their own', async () => {
    await runMarbles(({ cold, send, sleep, expectObservable }) => {
      const napping = session(
        {
          kind: 'message',
          concurrency: 2,
          process: async (m: Message) => {
            await sleep(m.data.length * 10);
            return m;
          },
        },
        { kind: 'frame', process: (f: Frame) => f },
      );
      // "aaa" takes 30, "b" 10 (done at 11, held until "aaa" leaves at 30).
      expectObservable(send(napping, cold('ab|', { a: 't"aaa"', b: 't"b"' }))).toBe('30ms (ab|)', { a: 'T"aaa"', b: 'T"b"' });
    });
  });
});

describe('the wire check', () => {
  it('refuses incoming RSV bits no session declared, before any stage sees them (1002)', async () => {
    let seen = 0;
    const counting = session(identity, { kind: 'frame', process: (f: Frame) => (seen++, { ...f, rsv3: false }) });
    await runMarbles(({ cold, receive, expectObservable }) => {
      expectObservable(receive(counting, cold('a-b|', { a: 'T3"ok"', b: 'T1"zip?"' }))).toBe('a-#', { a: 't"ok"' }, closeWith(ProtocolError, 1002));
    });
    expect(seen).toBe(1);
  });

  it('catches an extension that sets a bit it did not declare', async () => {
    const sneaky = { ...session({ kind: 'frame', process: (f: Frame) => ({ ...f, rsv2: true }) }, identity), rsv: {} };
    await runMarbles(({ cold, send, expectObservable }) => {
      expectObservable(send(sneaky, cold('a|', { a: 't"x"' }))).toBe('#', {}, closeWith(ProtocolError, 1002, /RSV/i));
      expectObservable(send(sneaky, cold('a|', { a: 't"x"' }), { wireCheck: false })).toBe('a|', { a: 'T2"x"' });
    });
  });

  it('enforces continuation rules on the wire (1002)', async () => {
    await runMarbles(({ cold, receive, expectObservable }) => {
      expectObservable(receive(upperFrames, cold('a|', { a: 'C3"orphan"' }))).toBe('#', {}, closeWith(ProtocolError, 1002));
    });
  });
});

describe('cleanup and stuck work', () => {
  it('unsubscribes pipelines that outlive the run', async () => {
    let source: { subscriptions: { unsubscribedFrame: number }[] } | undefined;
    await runMarbles(({ cold, send, expectObservable }) => {
      const input = cold('a-b', { a: 't"x"', b: 't"y"' }); // never completes
      source = input;
      expectObservable(send(upperFrames, input)).toBe('a-b', { a: 'T3"X"', b: 'T3"Y"' });
    });
    expect(source!.subscriptions).toHaveLength(1);
    expect(source!.subscriptions[0]!.unsubscribedFrame).not.toBe(Infinity);
  });

  it('fails clearly when stage work never settles', async () => {
    const stuck = session(
      { kind: 'message', process: () => new Promise<Message>(() => undefined) },
      { kind: 'frame', process: (f: Frame) => f },
    );
    const run = runMarbles(
      ({ cold, send, expectObservable }) => {
        expectObservable(send(stuck, cold('a|', { a: 't"x"' }))).toBe('a|', { a: 'T"x"' });
      },
      { settleTimeout: 200 },
    );
    await expect(run).rejects.toThrow(/1 piece of stage work has not settled after 200 ms of real time \(virtual frame 0\)/);
  });
});

describe('the kit reports wrong diagrams', () => {
  it('fails with both diagrams when the wire differs', async () => {
    const run = runMarbles(({ cold, send, expectObservable }) => {
      expectObservable(send(upperFrames, cold('a-b|', { a: 't"hello"', b: 't"x"' }))).toBe('a-b|', {
        a: 'T3"HELLO"',
        b: 'T"X"', // wrong: the extension sets RSV3
      });
    });
    await expect(run).rejects.toBeInstanceOf(MarbleMismatchError);
    await expect(run).rejects.toThrow(
      [
        'marble diagrams differ',
        '  expected  a-b|',
        '  actual    a-c|',
        '  where',
        '    a = T3"HELLO"',
        '    b = T"X"   (expected only)',
        '    c = T3"X"   (actual only)',
        '  first difference: expected T"X" at frame 2, actual T3"X" at frame 2',
      ].join('\n'),
    );
  });

  it('fails when an expected error has another close code', async () => {
    const failing = session(
      { kind: 'frame', process: () => { throw new InvalidDataError('corrupt'); } },
      { kind: 'frame', process: (f: Frame) => f },
    );
    const run = runMarbles(({ cold, send, expectObservable }) => {
      expectObservable(send(failing, cold('a|', { a: 't"x"' }))).toBe('#', {}, closeWith(1009));
    });
    await expect(run).rejects.toThrow(/# expected  WebSocketError\(1009\) at frame 0\n  # actual    InvalidDataError\(1007\) "corrupt" at frame 0/);
  });

  it('fails when timing differs under latency', async () => {
    const run = runMarbles(({ cold, send, withLatency, expectObservable }) => {
      const slow = withLatency(asyncUpperMessages(3), { outgoing: [30, 10, 20] });
      expectObservable(send(slow, cold('abc|', { a: 't"a"', b: 't"b"', c: 't"c"' }))).toBe('a 9ms b 10ms (c|)', {
        a: 'T3"A"',
        b: 'T3"B"',
        c: 'T3"C"',
      });
    });
    await expect(run).rejects.toThrow(/expected  a---------b----------\(c\|\)\n  actual    30ms \(abc\|\)/);
  });

  it('refuses overlapping runs', async () => {
    const first = runMarbles(async ({ sleep }) => {
      await Promise.resolve();
      void sleep(1);
    });
    await expect(runMarbles(() => {})).rejects.toThrow(/cannot overlap/);
    await first;
  });
});
