import { describe, expect, it } from 'vitest';
import { ConnectionCore, type ConnectionAction } from '../../src/node/connection/connectionCore.js';
import { decodeClosePayload, encodeClosePayload } from '../../src/protocol/closePayload.js';
import { ConnectionLostError, InvalidDataError, ProtocolError, PayloadTooBigError } from '../../src/protocol/errors.js';
import { createFrame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';

const closeFrame = (code?: number, reason?: string) => createFrame(Opcode.Close, encodeClosePayload(code, reason));
const types = (actions: ConnectionAction[]) => actions.map((a) => a.type);
function sentClose(actions: ConnectionAction[]) {
  const send = actions.find((a) => a.type === 'send');
  if (send?.type !== 'send' || send.frame.opcode !== Opcode.Close) throw new Error('no close frame sent');
  return decodeClosePayload(send.frame.payload);
}

describe('ConnectionCore', () => {
  it('answers a ping with a pong carrying the same payload', () => {
    const core = new ConnectionCore('server');
    const [action] = core.receiveControl(createFrame(Opcode.Ping, new Uint8Array([1, 2, 3])));
    expect(action).toEqual({ type: 'send', frame: createFrame(Opcode.Pong, new Uint8Array([1, 2, 3])) });
  });

  it('while writes are blocked, holds back only the latest ping and answers it once they drain', () => {
    const core = new ConnectionCore('server');
    expect(core.receiveControl(createFrame(Opcode.Ping, new Uint8Array([1])), true)).toEqual([]);
    expect(core.receiveControl(createFrame(Opcode.Ping, new Uint8Array([2])), true)).toEqual([]);
    expect(core.sendHeld()).toEqual([{ type: 'send', frame: createFrame(Opcode.Pong, new Uint8Array([2])) }]);
    expect(core.sendHeld()).toEqual([]);
    // No pong once our Close is out.
    core.receiveControl(createFrame(Opcode.Ping, new Uint8Array([3])), true);
    core.close(1000);
    expect(core.sendHeld()).toEqual([]);
  });

  it('echoes the peer close code; a server then ends TCP, a client waits for it', () => {
    const server = new ConnectionCore('server');
    const actions = server.receiveControl(closeFrame(4001, 'bye'));
    expect(types(actions)).toEqual(['peerClosed', 'send', 'end', 'awaitClose']);
    expect(sentClose(actions)).toEqual({ code: 4001, reason: '' });
    expect(server.state).toBe('closed');
    expect(server.canSend).toBe(false);
    expect(server.transportClosed()).toEqual({ closeCode: 4001, reason: 'bye', wasClean: true });

    const client = new ConnectionCore('client');
    expect(types(client.receiveControl(closeFrame(1000)))).toEqual(['peerClosed', 'send', 'awaitClose']);
  });

  it('answers a close without status with an empty close and reports 1005', () => {
    const core = new ConnectionCore('client');
    const actions = core.receiveControl(createFrame(Opcode.Close, new Uint8Array(0)));
    const send = actions.find((a) => a.type === 'send');
    expect(send?.type === 'send' && send.frame.payload.length).toBe(0);
    expect(core.transportClosed().closeCode).toBe(1005);
  });

  it('runs a close we start: closing until the peer answers, no second close frame', () => {
    const core = new ConnectionCore('client');
    const actions = core.close(1000, 'done');
    expect(types(actions)).toEqual(['send', 'awaitClose']);
    expect(sentClose(actions)).toEqual({ code: 1000, reason: 'done' });
    expect(core.state).toBe('closing');
    expect(core.canSend).toBe(false);
    expect(core.canReceive).toBe(true);
    expect(core.close(1000)).toEqual([]);
    // No pong once our Close is out.
    expect(core.receiveControl(createFrame(Opcode.Ping, new Uint8Array(0)))).toEqual([]);
    expect(types(core.receiveControl(closeFrame(1000, 'ok')))).toEqual(['peerClosed', 'awaitClose']);
    expect(core.transportClosed()).toEqual({ closeCode: 1000, reason: 'ok', wasClean: true });
  });

  it('rejects unsendable codes and long reasons before changing state', () => {
    const core = new ConnectionCore('client');
    expect(() => core.close(1006)).toThrow(RangeError); // a local mistake, not a peer violation
    expect(() => core.close(1000, 'x'.repeat(124))).toThrow(RangeError);
    expect(core.state).toBe('open');
  });

  it('throws typed errors for malformed close frames', () => {
    expect(() => new ConnectionCore('server').receiveControl(createFrame(Opcode.Close, new Uint8Array([3])))).toThrow(ProtocolError);
    const badUtf8 = new Uint8Array([0x03, 0xe8, 0xff]);
    expect(() => new ConnectionCore('server').receiveControl(createFrame(Opcode.Close, badUtf8))).toThrow(InvalidDataError);
  });

  it('fails with the error close code, then reports that code and error', () => {
    const core = new ConnectionCore('server');
    const error = new PayloadTooBigError('too big', 10);
    const actions = core.fail(error);
    expect(types(actions)).toEqual(['send', 'end', 'awaitClose']);
    expect(sentClose(actions).code).toBe(1009);
    expect(core.fail(new ProtocolError('second'))).toEqual([]);
    expect(core.canReceive).toBe(false);
    expect(core.transportClosed()).toMatchObject({ closeCode: 1009, reason: 'too big', wasClean: false, error });
  });

  it('truncates long error messages to a valid close reason', () => {
    const core = new ConnectionCore('server');
    const { reason } = sentClose(core.fail(new ProtocolError('é'.repeat(100))));
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
    expect(reason).toBe('é'.repeat(61));
  });

  it('reports an abrupt disconnect as 1006 with ConnectionLostError', () => {
    const core = new ConnectionCore('client');
    const info = core.transportClosed();
    expect(info.closeCode).toBe(1006);
    expect(info.wasClean).toBe(false);
    expect(info.error).toBeInstanceOf(ConnectionLostError);
  });

  it('treats a missing pong as a lost peer: destroy without a close frame', () => {
    const core = new ConnectionCore('client');
    expect(types(core.ping(new Uint8Array([9])))).toEqual(['send']);
    expect(core.awaitingPong).toBe(true);
    core.receiveControl(createFrame(Opcode.Pong, new Uint8Array([9])));
    expect(core.pongTimedOut()).toEqual([]);
    core.ping();
    expect(core.ping()).toEqual([]); // no second ping while the first pong is awaited
    expect(types(core.pongTimedOut())).toEqual(['destroy', 'awaitClose']);
    expect(core.transportClosed().closeCode).toBe(1006);
  });
});
