// Headless Chromium as a real peer: a page served by our own http server
// connects with the browser's own WebSocket to serve() on the same server.
// Chromium always offers permessage-deflate (with client_max_window_bits);
// it must be accepted, and text and binary messages up to 1 MiB must
// round-trip intact.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serve, type WebSocketServer } from '../../src/node/serve.js';
import { CHROMIUM, hasChromium, peerAvailable } from '../support/peers.js';
import { echo } from '../node/helpers.js';

const available = peerAvailable('chromium', hasChromium());

describe.skipIf(!available)('Chromium WebSocket ⇄ wsx serve()', () => {
  let http: Server;
  let ws: WebSocketServer;
  let browser: Browser;
  let page: Page;
  let origin = '';
  const seen: { extensions: string; origin: string | undefined }[] = [];

  beforeAll(async () => {
    http = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end('<!doctype html><title>wsx</title><p>wsx browser test</p>');
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    ws = await serve(
      async (connection, request) => {
        seen.push({ extensions: connection.extensions, origin: request.headers.origin });
        await echo(connection, request);
      },
      { server: http, path: '/ws', origin: [origin] },
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage();
    await page.goto(`${origin}/`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await ws?.close();
    await new Promise((resolve) => http?.close(resolve));
  });

  it('accepts the browser permessage-deflate offer and round-trips text and binary up to 1 MiB', async () => {
    const result = await page.evaluate(async (url: string) => {
      const socket = new WebSocket(url);
      socket.binaryType = 'arraybuffer';
      await new Promise((resolve, reject) => {
        socket.onopen = resolve;
        socket.onerror = () => reject(new Error('websocket error'));
      });
      const queue: (string | ArrayBuffer)[] = [];
      let wake: (() => void) | null = null;
      socket.onmessage = (event) => {
        queue.push(event.data as string | ArrayBuffer);
        wake?.();
      };
      let closedEarly = '';
      socket.onclose = (event) => {
        closedEarly = `closed early with ${event.code}`;
        wake?.();
      };
      const next = async (): Promise<string | ArrayBuffer> => {
        while (queue.length === 0) {
          if (closedEarly) throw new Error(closedEarly);
          await new Promise<void>((resolve) => (wake = resolve));
        }
        return queue.shift()!;
      };
      const sizes = [0, 1, 125, 126, 65_535, 65_536, 200_000, 1024 * 1024];
      const failures: string[] = [];
      for (const size of sizes) {
        // ASCII, so 1 MiB of text is exactly the server's default 1 MiB limit.
        let text = '';
        for (let i = 0; text.length < size; i++) text += `tick ${i};`.slice(0, size - text.length);
        socket.send(text);
        const gotText = await next();
        if (gotText !== text) failures.push(`text ${size}`);
        const bytes = new Uint8Array(size);
        for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
        socket.send(bytes);
        const gotBytes = await next();
        const back = new Uint8Array(gotBytes as ArrayBuffer);
        if (typeof gotBytes === 'string' || back.length !== size || back.some((b, i) => b !== bytes[i])) failures.push(`binary ${size}`);
      }
      const unicode = 'ÄÖÜ ✓ 日本語 🎉 '.repeat(5000);
      socket.send(unicode);
      if ((await next()) !== unicode) failures.push('unicode text');
      const closed = new Promise<{ code: number; reason: string; wasClean: boolean }>((resolve) => {
        socket.onclose = (event) => resolve({ code: event.code, reason: event.reason, wasClean: event.wasClean });
      });
      socket.close(4000, 'browser done');
      return { extensions: socket.extensions, failures, close: await closed };
    }, `${origin.replace('http', 'ws')}/ws`);

    expect(result.failures).toEqual([]);
    expect(result.extensions).toMatch(/^permessage-deflate/);
    expect(seen.at(-1)).toEqual({ extensions: result.extensions, origin });
    expect(result.close).toEqual({ code: 4000, reason: '', wasClean: true });
  }, 60_000);

  it('the server fails an over-limit message with 1009, which the browser sees', async () => {
    const code = await page.evaluate(async (url: string) => {
      const socket = new WebSocket(url);
      await new Promise((resolve) => (socket.onopen = resolve));
      const closed = new Promise<number>((resolve) => (socket.onclose = (event) => resolve(event.code)));
      socket.send('x'.repeat(1024 * 1024 + 1));
      return closed;
    }, `${origin.replace('http', 'ws')}/ws`);
    expect(code).toBe(1009);
  }, 30_000);
});
