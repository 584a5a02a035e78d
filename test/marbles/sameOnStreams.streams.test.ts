// Runs on both stream implementations (native and web-streams-polyfill): the
// stream face of expectSameOnStreams uses whatever global TransformStream is installed.
import { describe, expect, it } from 'vitest';
import { map } from 'rxjs';
import { ClientPerMessageDeflateFactory, ServerPerMessageDeflateFactory } from '../../src/deflate/index.js';
import { fromOperator } from '../../src/operators/index.js';
import { InvalidDataError, type ExtensionSession, type Frame, type Message, type Stage } from '../../src/protocol/index.js';
import { closeWith, expectSameOnStreams, FaceMismatchError, handshake } from '../../marbles/index.js';

const identity: Stage = { kind: 'frame', process: (f: Frame) => f };

function session(outgoing: Stage, incoming: Stage = identity): ExtensionSession {
  return { name: 'x-test', params: [], rsv: { rsv3: true }, outgoing, incoming, close() {} };
}

const marking: Stage = {
  kind: 'message',
  concurrency: 3,
  process: async (m: Message) => {
    // Finish out of order: shorter messages first.
    await new Promise((r) => setTimeout(r, 20 - m.data.length));
    return { ...m, rsv3: true };
  },
};

describe('expectSameOnStreams', () => {
  it('runs async concurrent stages through both faces identically', async () => {
    const result = await expectSameOnStreams({
      sessions: () => session(marking),
      direction: 'send',
      input: ['t"a"', 't"bbbbbbbbbb"', 'b<00 01 02>'],
      maxFramePayload: 4,
      expected: ['T3"a"', 'T3"bbbbbbbbbb"', 'B3<00 01 02>'],
    });
    expect(result.error).toBeUndefined();
  });

  it('compares errors by class and close code on both faces', async () => {
    const strict: Stage = {
      kind: 'frame',
      process: (f: Frame) => {
        if (!f.rsv3) throw new InvalidDataError('unmarked');
        return { ...f, rsv3: false };
      },
    };
    await expectSameOnStreams({
      sessions: () => session(identity, strict),
      direction: 'receive',
      input: ['T3"ok"', 'T"no"', 'T3"late"'],
      expected: ['t"ok"'],
      expectedError: closeWith(InvalidDataError, 1007),
    });
  });

  it('round-trips real permessage-deflate sessions from a handshake', async () => {
    const negotiate = () => handshake([new ClientPerMessageDeflateFactory()], [new ServerPerMessageDeflateFactory()]);
    const sent = await expectSameOnStreams({
      sessions: () => negotiate().client,
      direction: 'send',
      input: ['t"hello "*40', 'b<00>*300'],
    });
    expect(sent.values.every((f) => (f as Frame).rsv1)).toBe(true);
    await expectSameOnStreams({
      sessions: () => negotiate().server,
      direction: 'receive',
      input: sent.values,
      expected: ['t"hello "*40', 'b<00>*300'],
    });
  });

  it('catches an extension whose two faces disagree', async () => {
    // A hand-built operator stage whose TransformStream does not match its operator.
    const operator = fromOperator(map((f: Frame) => ({ ...f, rsv3: true })));
    const inconsistent: Stage = { ...operator, create: () => new TransformStream<Frame, Frame>() };
    const run = expectSameOnStreams({ sessions: () => session(inconsistent), direction: 'send', input: ['t"x"'] });
    await expect(run).rejects.toBeInstanceOf(FaceMismatchError);
    await expect(run).rejects.toThrow('operator and stream faces differ\n  operators  T3"x", |\n  streams    T"x", |');
  });

  it('refuses control frames, which never reach extensions', async () => {
    await expect(expectSameOnStreams({ sessions: () => session(identity), direction: 'send', input: ['P"x"'] })).rejects.toThrow(
      /control frames bypass extensions/,
    );
  });

  it('reports when both faces agree but differ from the expectation', async () => {
    const run = expectSameOnStreams({ sessions: () => session(identity), direction: 'send', input: ['t"x"'], expected: ['T1"x"'] });
    await expect(run).rejects.toThrow('both faces agree, but not with the expectation\n  expected   T1"x", |\n  actual     T"x", |');
  });
});
