// `wsx serve --broadcast` in-process: a client that stops reading must not
// make the hub buffer every message for it.
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/node/connect.js';
import { serveCommand } from '../../src/node/cli/serveCommand.js';
import type { WebSocketServer } from '../../src/node/serve.js';
import { rawSocket, sleep, upgradeRequest } from './helpers.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('wsx serve --broadcast', () => {
  it('skips a connection that does not keep up instead of queueing for it without limit', async () => {
    const lines: string[] = [];
    const hub: WebSocketServer = await serveCommand({ port: 0, host: '127.0.0.1', compression: false, broadcast: true, log: (l) => lines.push(l) });
    cleanup.push(() => hub.close());
    const port = (hub.address() as { port: number }).port;
    const stalled = await rawSocket(port);
    cleanup.push(() => stalled.socket.destroy());
    stalled.socket.write(upgradeRequest({ 'Sec-WebSocket-Extensions': null }));
    await sleep(100);
    stalled.socket.pause(); // never reads again
    const sender = connect(`ws://127.0.0.1:${port}`, { compression: null });
    await sender.opened;
    let echoed = 0;
    const reading = (async () => {
      for await (const _ of sender) if (++echoed === 300) break;
    })();
    const message = new Uint8Array(64 * 1024);
    for (let i = 0; i < 300; i++) await sender.send(message);
    await reading; // the sender, reading, gets every message back
    const stalledSide = [...hub.connections].find((c) => c.stats.messagesReceived === 0)!;
    expect(stalledSide).toBeDefined();
    // 300 × 64 KiB = 19 MiB; only a bounded amount was accepted for the stalled peer.
    expect(stalledSide.stats.messagesSent).toBeLessThan(150);
  });

  it("logs a peer's close reason with control characters escaped", async () => {
    const lines: string[] = [];
    const hub = await serveCommand({ port: 0, host: '127.0.0.1', compression: false, broadcast: false, log: (l) => lines.push(l) });
    cleanup.push(() => hub.close());
    const client = connect(`ws://127.0.0.1:${(hub.address() as { port: number }).port}`, { compression: null });
    await client.opened;
    client.close({ closeCode: 4000, reason: '\x1b[2Jgone' });
    await client.closed;
    for (let i = 0; i < 50 && !lines.some((l) => l.includes('closed 4000')); i++) await sleep(20);
    expect(lines.find((l) => l.includes('closed 4000'))).toContain('"\\x1b[2Jgone"');
    expect(lines.join('\n')).not.toContain('\x1b');
  });
});
