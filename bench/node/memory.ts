/**
 * Server memory per connection for bench/node.bench.ts: an echo server in a
 * `--expose-gc` child (bench/node/memoryServer.ts), so the clients' memory is
 * not counted; `count` ws clients each send one 1 KiB JSON message and wait
 * for its echo, then the server's growth is divided by `count`, right away and
 * again after the connections idled for `IDLE_MS`.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { marketTicks } from '../../src/node/cli/marketTicks.js';
import type { EchoImpl } from './echo.js';

const MEMORY_CHILD = fileURLToPath(new URL('./memoryServer.ts', import.meta.url));

/** Server bytes per connection (RSS and heap+external deltas) after one 1 KiB echo each. */
/** Growth per connection right after the echoes, and again after `IDLE_MS` without traffic. */
export interface ConnectionMemory {
  readonly rss: number;
  readonly heap: number;
  readonly idleRss: number;
  readonly idleHeap: number;
}

/** Long enough for wsx's idle sweeper (2 s delay, sleeps after 2–4 s) to have run. */
export const IDLE_MS = 4_500;

export async function memoryPerConnection(impl: EchoImpl, compression: boolean, count: number): Promise<ConnectionMemory> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', MEMORY_CHILD, impl, compression ? 'on' : 'off'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const next = (): Promise<Record<string, number>> => new Promise((resolve) => lines.once('line', (line) => resolve(JSON.parse(line))));
  const { port } = await next();
  child.stdin!.write('baseline\n');
  const before = await next();
  const message = JSON.stringify({ type: 'order', items: [...marketTicks(5)].map((t) => JSON.parse(t)) }).slice(0, 1024);
  const clients: WebSocket[] = [];
  for (let batch = 0; batch < count; batch += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - batch) }, async () => {
        const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: compression });
        clients.push(client);
        await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
        const echoed = new Promise((resolve) => client.once('message', resolve));
        client.send(message);
        await echoed;
      }),
    );
  }
  child.stdin!.write('measure\n');
  const after = await next();
  if (after.connections !== count) throw new Error(`${impl}: server holds ${after.connections} connections, expected ${count}`);
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  child.stdin!.write('measure\n');
  const idle = await next();
  await Promise.all(clients.map((c) => new Promise((resolve) => (c.once('close', resolve), c.terminate()))));
  child.stdin!.end();
  await new Promise((resolve) => child.once('close', resolve));
  return {
    rss: (after.rss! - before.rss!) / count,
    heap: (after.heap! - before.heap!) / count,
    idleRss: (idle.rss! - before.rss!) / count,
    idleHeap: (idle.heap! - before.heap!) / count,
  };
}

