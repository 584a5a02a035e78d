// Shared helpers for the Node client/server tests: servers on 127.0.0.1 with
// a random port, raw sockets for hand-written requests, and readers.
import { connect as netConnect, type Socket } from 'node:net';
import { afterEach } from 'vitest';
import type { AddressInfo } from 'node:net';
import { serve, type ConnectionHandler, type ServeOptions, type WebSocketServer } from '../../src/node/serve.js';
import type { WebSocketConnection } from '../../src/node/connection/webSocketConnection.js';
import type { WebSocketData } from '../../src/node/connection/messages.js';

export async function startServer(handler: ConnectionHandler, options: ServeOptions = {}): Promise<WebSocketServer & { url: string; port: number }> {
  const server = await serve(handler, { host: '127.0.0.1', port: 0, ...options });
  const port = (server.address() as AddressInfo).port;
  return Object.assign(server, { url: `ws://127.0.0.1:${port}`, port });
}

/**
 * `startServer` for one test file: every server a test starts is closed after
 * that test. Call once at the top level of the file.
 */
export function serversClosedAfterEach(): typeof startServer {
  const servers: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return async (...args) => {
    const s = await startServer(...args);
    servers.push(s);
    return s;
  };
}

/** Echo handler: every message goes back unchanged on the connection it came from. */
export const echo: ConnectionHandler = async (connection) => {
  try {
    for await (const message of connection) await connection.send(message);
  } catch {
    // connection failed: `closed` tells the test why
  }
};

/** Reads exactly `count` messages from the connection's readable. */
export async function take(connection: WebSocketConnection, count: number): Promise<WebSocketData[]> {
  const { readable } = await connection.opened;
  const reader = readable.getReader();
  const out: WebSocketData[] = [];
  try {
    while (out.length < count) {
      const { done, value } = await reader.read();
      if (done) break;
      out.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return out;
}

/**
 * A raw TCP socket to the server, with everything it receives collected.
 * `allowHalfOpen`: do not answer the server's FIN, like a client that only
 * stops writing — the server must then close the socket itself.
 */
export async function rawSocket(port: number, { allowHalfOpen = false } = {}): Promise<{ socket: Socket; received: () => Buffer; closed: Promise<void> }> {
  const socket = netConnect({ port, host: '127.0.0.1', allowHalfOpen });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => Buffer.concat(chunks), closed };
}

/** Sends a raw HTTP request and returns the whole answer once the server closes. */
export async function rawRequest(port: number, request: string): Promise<string> {
  const raw = await rawSocket(port);
  raw.socket.write(request);
  await raw.closed;
  return raw.received().toString('latin1');
}

export function upgradeRequest(headers: Record<string, string | null> = {}, requestLine = 'GET / HTTP/1.1'): string {
  const base: Record<string, string | null> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
    ...headers,
  };
  const lines = Object.entries(base)
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([k, v]) => `${k}: ${v}`);
  return [requestLine, ...lines, '', ''].join('\r\n');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Records every timer that code under src/ starts through the global timer
 * functions (unref'd ones included, which process.getActiveResourcesInfo()
 * does not list) and forgets it when it fires or is cleared. `live()` lists
 * the creation sites of those still pending: a leak shows up there.
 */
export function trackTimers(): { live: () => string[]; restore: () => void } {
  const live = new Map<unknown, string>();
  const original = { setTimeout, setInterval, clearTimeout, clearInterval };
  const fromSrc = (): string | null => {
    const stack = new Error().stack ?? '';
    const line = stack.split('\n').find((l) => l.includes('/src/'));
    return line === undefined ? null : line.trim();
  };
  globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const site = fromSrc();
    const timer = original.setTimeout((...a: unknown[]) => (live.delete(timer), callback(...a)), ms, ...args);
    if (site !== null) live.set(timer, site);
    return timer;
  }) as typeof setTimeout;
  globalThis.setInterval = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const site = fromSrc();
    const timer = original.setInterval(callback, ms, ...args);
    if (site !== null) live.set(timer, site);
    return timer;
  }) as typeof setInterval;
  globalThis.clearTimeout = ((timer?: NodeJS.Timeout) => (live.delete(timer), original.clearTimeout(timer))) as typeof clearTimeout;
  globalThis.clearInterval = ((timer?: NodeJS.Timeout) => (live.delete(timer), original.clearInterval(timer))) as typeof clearInterval;
  return {
    live: () => [...live.values()],
    restore: () => Object.assign(globalThis, original),
  };
}
