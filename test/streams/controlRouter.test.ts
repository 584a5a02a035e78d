// The sans-I/O routing rules both faces share (no streams involved).
import { describe, expect, it } from 'vitest';
import { createFrame, type Frame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { ProtocolError } from '../../src/protocol/errors.js';
import { ControlRouter } from '../../src/streams/controlRouter.js';

const frame = (opcode: Opcode, byte: number, fin = true) => createFrame(opcode, new Uint8Array([byte]), { fin });

function router() {
  const emitted: Frame[] = [];
  return { emitted, router: new ControlRouter({ emit: (f) => emitted.push(f) }) };
}

describe('ControlRouter', () => {
  it('sends data frames to the stages and emits Ping/Pong at once, in order', () => {
    const { router: r, emitted } = router();
    const ping = frame(Opcode.Ping, 1);
    const pong = frame(Opcode.Pong, 2);
    expect(r.route(frame(Opcode.Text, 0, false))).toBe('data');
    expect(r.route(ping)).toBe('control');
    expect(r.route(pong)).toBe('control');
    expect(r.route(frame(Opcode.Continuation, 3))).toBe('data');
    expect(emitted).toEqual([ping, pong]);
    expect(emitted[0]).toBe(ping); // untouched: the very same object
  });

  it('holds a Close and what follows it until the stages have ended, then releases them in order', () => {
    const { router: r, emitted } = router();
    const close = frame(Opcode.Close, 9);
    const ping = frame(Opcode.Ping, 1);
    r.route(frame(Opcode.Text, 0));
    expect(r.route(close)).toBe('end-data');
    expect(r.route(ping)).toBe('control');
    expect(r.closeSeen).toBe(true);
    expect(r.holding).toBe(true);
    expect(emitted).toEqual([]);
    r.dataEnded();
    expect(emitted).toEqual([close, ping]);
    expect(r.holding).toBe(false);
    // Later control frames pass at once; a second Close is just a control frame.
    const second = frame(Opcode.Close, 8);
    expect(r.route(second)).toBe('control');
    expect(emitted.at(-1)).toBe(second);
  });

  it('emits a Close at once when the stages have already ended', () => {
    const { router: r, emitted } = router();
    r.dataEnded();
    const close = frame(Opcode.Close, 9);
    expect(r.route(close)).toBe('end-data');
    expect(emitted).toEqual([close]);
  });

  it('refuses a data frame after a Close with ProtocolError 1002, routing nothing', () => {
    const { router: r, emitted } = router();
    r.route(frame(Opcode.Close, 9));
    expect(() => r.route(frame(Opcode.Binary, 1))).toThrow(ProtocolError);
    let error: unknown;
    try {
      r.route(frame(Opcode.Continuation, 1));
    } catch (caught) {
      error = caught;
    }
    expect((error as ProtocolError).closeCode).toBe(1002);
    r.dataEnded();
    expect(emitted.map((f) => f.opcode)).toEqual([Opcode.Close]);
  });
});
