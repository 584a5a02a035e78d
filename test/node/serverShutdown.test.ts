// Sockets that never become WebSocket connections must not outlive their
// welcome: rejected upgrades, silent or slow HTTP clients, and upgrades still
// in progress when server.close() is called.
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/node/connect.js';
import { rawSocket, sleep, startServer, upgradeRequest } from './helpers.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([promise, sleep(ms).then(() => 'pending' as const)]);
}

function openSockets(server: { server: { getConnections(cb: (error: Error | null, count: number) => void): void } }): Promise<number> {
  return new Promise((resolve, reject) => server.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}

describe('sockets that never become connections are released', () => {
  it('a rejected upgrade is closed even if the client keeps its half open', async () => {
    const server = await startServer(() => undefined);
    cleanup.push(() => server.close());
    const raw = await rawSocket(server.port, { allowHalfOpen: true });
    cleanup.push(() => raw.socket.destroy());
    raw.socket.write(upgradeRequest({ 'Sec-WebSocket-Version': '8' }));
    for (let i = 0; i < 100 && !raw.received().includes('\r\n\r\n'); i++) await sleep(10);
    expect(raw.received().toString('latin1')).toMatch(/^HTTP\/1.1 426 /);
    let open = await openSockets(server);
    for (let waited = 0; open > 0 && waited < 3_000; waited += 100) await sleep(100), (open = await openSockets(server));
    expect(open).toBe(0);
  });

  it.each([
    ['a silent TCP client', ''],
    ['partial headers', 'GET / HTTP/1.1\r\nHost: x\r\n'],
    ['a rejected half-open client', upgradeRequest({ 'Sec-WebSocket-Version': '8' })],
  ])('server.close() resolves promptly with %s', async (_name, request) => {
    const server = await startServer(() => undefined);
    const raw = await rawSocket(server.port, { allowHalfOpen: true });
    cleanup.push(() => raw.socket.destroy());
    if (request) raw.socket.write(request);
    await sleep(100);
    expect(await within(server.close(), 1_500)).toBeUndefined();
  });

  it('handshakeTimeout bounds the HTTP request phase: silent and dripping clients are dropped', async () => {
    const server = await startServer(() => undefined, { handshakeTimeout: 500 });
    cleanup.push(() => server.close());
    const silent = await rawSocket(server.port);
    const dripping = await rawSocket(server.port);
    cleanup.push(() => (silent.socket.destroy(), dripping.socket.destroy()));
    const request = upgradeRequest();
    let i = 0;
    const drip = setInterval(() => !dripping.socket.destroyed && dripping.socket.write(request[i++ % request.length]!), 200);
    cleanup.push(() => clearInterval(drip));
    const started = Date.now();
    expect(await within(silent.closed, 3_000)).toBeUndefined();
    expect(await within(dripping.closed, 3_000)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(i).toBeLessThan(request.length); // dropped before the request was complete
  });

  it('an upgrade whose checks finish after server.close() started is refused with 503', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let checks = 0;
    const server = await startServer(() => undefined, {
      origin: async () => (checks++ === 0 || (await gate), true),
      pingInterval: 0,
      closeTimeout: 1_000,
    });
    // An open connection whose peer never answers our Close keeps close() busy for a while ...
    const stubborn = await rawSocket(server.port);
    cleanup.push(() => stubborn.socket.destroy());
    stubborn.socket.write(upgradeRequest());
    await sleep(100);
    expect(server.connections.size).toBe(1);
    // ... while a second upgrade is waiting on its origin check.
    const client = connect(server.url, { pingInterval: 0 });
    await sleep(150);
    const closing = server.close();
    release();
    await expect(client.opened).rejects.toThrow(/503/);
    expect(await within(closing, 2_500)).toBeUndefined();
    expect(server.connections.size).toBe(0);
  });
});
