/**
 * The Node client and server end to end: loopback echo, wsx against ws 8 in
 * the same run, permessage-deflate on and off.
 *   - 20,000 pipelined 200 B JSON market ticks (quick: 2,000)
 *   - 2,000 pipelined 64 KiB JSON batches (quick: 200)
 * Both sides of each run are the same library (wsx client ⇄ wsx server, ws ⇄
 * ws). Rounds alternate between the two; the median round is reported.
 * Also (notes): server memory per connection after one compressed (or plain)
 * 1 KiB echo on each of 1,000 connections (quick: 100), measured in a child
 * process with --expose-gc so the clients' memory is not counted.
 */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { marketTicks } from '../src/node/cli/marketTicks.js';
import type { BenchContext, BenchRow, BenchTable } from './lib/index.js';
import { echoRun, type EchoImpl } from './node/echo.js';

/** Pads a JSON object string to exactly `size` characters with a filler field. */
function padded(json: string, size: number): string {
  const base = json.slice(0, -1) + ',"pad":""}';
  if (base.length > size) throw new Error(`message of ${base.length} characters does not fit in ${size}`);
  return base.slice(0, -2) + ' '.repeat(size - base.length) + '"}';
}

function smallMessages(count: number): string[] {
  return [...marketTicks(count)].map((tick) => padded(tick, 200));
}

function largeMessages(count: number): string[] {
  const distinct = Math.min(count, 32);
  const ticks = marketTicks(distinct * 600, 11);
  const batches: string[] = [];
  for (let i = 0; i < distinct; i++) {
    let batch = '{"type":"batch","ticks":[';
    for (;;) {
      const next = ticks.next().value as string;
      if (batch.length + next.length + 20 > 65_536) break;
      batch += (batch.endsWith('[') ? '' : ',') + next;
    }
    batches.push(padded(batch + ']}', 65_536));
  }
  return Array.from({ length: count }, (_, i) => batches[i % distinct]!);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function echoCase(ctx: BenchContext, name: string, messages: readonly string[], compression: boolean): Promise<BenchRow[]> {
  const impls: EchoImpl[] = ['wsx', 'ws'];
  const times: Record<EchoImpl, number[]> = { wsx: [], ws: [] };
  await echoRun('wsx', compression, messages.slice(0, Math.ceil(messages.length / 10))); // warm-up
  await echoRun('ws', compression, messages.slice(0, Math.ceil(messages.length / 10)));
  const rounds = ctx.quick ? 1 : 3;
  for (let round = 0; round < rounds; round++) {
    for (const impl of impls) times[impl].push(await echoRun(impl, compression, messages));
  }
  const bytes = messages.reduce((sum, m) => sum + Buffer.byteLength(m), 0);
  return impls.map((impl) => {
    const ms = median(times[impl]);
    const row: BenchRow = {
      case: name,
      impl,
      opsPerSec: messages.length / (ms / 1000),
      meanMicros: (ms * 1000) / messages.length,
      mbPerSec: bytes / (ms / 1000) / 1e6,
      ops: messages.length * rounds,
    };
    ctx.log(`  ${name} · ${impl}: ${row.opsPerSec.toFixed(0)} msg/s, ${row.mbPerSec!.toFixed(1)} MB/s`);
    return row;
  });
}

const MEMORY_CHILD = fileURLToPath(new URL('./node/memoryServer.ts', import.meta.url));

/** Server bytes per connection (RSS and heap+external deltas) after one 1 KiB echo each. */
async function memoryPerConnection(impl: EchoImpl, compression: boolean, count: number): Promise<{ rss: number; heap: number }> {
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
  await Promise.all(clients.map((c) => new Promise((resolve) => (c.once('close', resolve), c.terminate()))));
  child.stdin!.end();
  await new Promise((resolve) => child.once('close', resolve));
  return { rss: (after.rss! - before.rss!) / count, heap: (after.heap! - before.heap!) / count };
}

export default async function nodeBench(ctx: BenchContext): Promise<BenchTable> {
  const small = smallMessages(ctx.quick ? 2_000 : 20_000);
  const large = largeMessages(ctx.quick ? 200 : 2_000);
  const rows: BenchRow[] = [];
  rows.push(...(await echoCase(ctx, 'echo 200 B JSON, deflate', small, true)));
  rows.push(...(await echoCase(ctx, 'echo 200 B JSON, no compression', small, false)));
  rows.push(...(await echoCase(ctx, 'echo 64 KiB JSON, deflate', large, true)));
  rows.push(...(await echoCase(ctx, 'echo 64 KiB JSON, no compression', large, false)));

  const connections = ctx.quick ? 100 : 1_000;
  const notes: string[] = [
    `echo: ${small.length.toLocaleString('en-US')} × 200 B and ${large.length.toLocaleString('en-US')} × 64 KiB messages sent back to back over 127.0.0.1; time to the last echo; median of ${ctx.quick ? 1 : 3} rounds.`,
  ];
  for (const compression of [true, false]) {
    const wsx = await memoryPerConnection('wsx', compression, connections);
    const ws = await memoryPerConnection('ws', compression, connections);
    const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
    const line =
      `server memory per connection, ${compression ? 'deflate' : 'no compression'} (${connections} connections, one 1 KiB echo each): ` +
      `wsx ${kib(wsx.rss)} RSS / ${kib(wsx.heap)} heap+external; ws ${kib(ws.rss)} RSS / ${kib(ws.heap)} heap+external` +
      ` (wsx/ws RSS ${(wsx.rss / ws.rss).toFixed(2)})`;
    ctx.log(`  ${line}`);
    notes.push(line);
  }
  return { title: 'Node client/server: loopback echo and memory (wsx vs ws 8)', baseline: 'ws', rows, notes };
}
