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
import { fileURLToPath } from 'node:url';
import { largeMessages, smallMessages } from './node/workload.js';
import type { BenchContext, BenchRow, BenchTable } from './lib/index.js';
import { echoRun, startEchoServer, type EchoImpl } from './node/echo.js';
import { IDLE_MS, memoryPerConnection } from './node/memory.js';

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const ECHO_CLIENT = fileURLToPath(new URL('./node/echoClient.ts', import.meta.url));

/** The client in a child process (its own event loop and core); the server here. Resolves with ms. */
async function childEchoRun(impl: EchoImpl, compression: boolean, workload: 'small' | 'large', count: number): Promise<number> {
  const server = await startEchoServer(impl, compression);
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', ECHO_CLIENT, impl, compression ? 'on' : 'off', String(server.port), workload, String(count)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    if (code !== 0) throw new Error(`echo client (${impl}) exited with ${code}`);
    return (JSON.parse(out) as { ms: number }).ms;
  } finally {
    await server.close();
  }
}

/** One row per implementation; `run(impl)` performs one timed echo run. */
async function echoCase(
  ctx: BenchContext,
  name: string,
  messages: readonly string[],
  run: (impl: EchoImpl) => Promise<number>,
  warmup: (impl: EchoImpl) => Promise<unknown>,
): Promise<BenchRow[]> {
  const impls: EchoImpl[] = ['wsx', 'ws'];
  const times: Record<EchoImpl, number[]> = { wsx: [], ws: [] };
  for (const impl of impls) await warmup(impl);
  const rounds = ctx.quick ? 1 : 3;
  for (let round = 0; round < rounds; round++) {
    for (const impl of impls) times[impl].push(await run(impl));
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

export default async function nodeBench(ctx: BenchContext): Promise<BenchTable> {
  const small = smallMessages(ctx.quick ? 2_000 : 20_000);
  const large = largeMessages(ctx.quick ? 200 : 2_000);
  const rows: BenchRow[] = [];
  const inProcess = (name: string, messages: readonly string[], compression: boolean) =>
    echoCase(
      ctx,
      name,
      messages,
      (impl) => echoRun(impl, compression, messages),
      (impl) => echoRun(impl, compression, messages.slice(0, Math.ceil(messages.length / 10))),
    );
  rows.push(...(await inProcess('echo 200 B JSON, deflate', small, true)));
  rows.push(...(await inProcess('echo 200 B JSON, no compression', small, false)));
  rows.push(...(await inProcess('echo 64 KiB JSON, deflate', large, true)));
  rows.push(...(await inProcess('echo 64 KiB JSON, no compression', large, false)));
  // Both ends in one process put all four zlib calls of an echo on one thread
  // for wsx (synchronous zlib) but on libuv's pool for ws: also measure with
  // the client in its own process, as real clients are.
  rows.push(
    ...(await echoCase(
      ctx,
      'echo 64 KiB JSON, deflate, client in a child process',
      large,
      (impl) => childEchoRun(impl, true, 'large', large.length),
      (impl) => childEchoRun(impl, true, 'large', Math.ceil(large.length / 10)),
    )),
  );

  const connections = ctx.quick ? 100 : 1_000;
  const notes: string[] = [
    `echo: ${small.length.toLocaleString('en-US')} × 200 B and ${large.length.toLocaleString('en-US')} × 64 KiB JSON messages sent back to back over 127.0.0.1; time to the last echo; median of ${ctx.quick ? 1 : 3} rounds; both ends in this process unless the case says otherwise.`,
  ];
  for (const compression of [true, false]) {
    const wsx = await memoryPerConnection('wsx', compression, connections);
    const ws = await memoryPerConnection('ws', compression, connections);
    const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
    const line =
      `server memory per connection, ${compression ? 'deflate' : 'no compression'} (${connections} connections, one 1 KiB echo each): ` +
      `wsx ${kib(wsx.rss)} RSS / ${kib(wsx.heap)} heap+external; ws ${kib(ws.rss)} RSS / ${kib(ws.heap)} heap+external` +
      ` (wsx/ws RSS ${(wsx.rss / ws.rss).toFixed(2)}); after ${IDLE_MS / 1000} s idle: ` +
      `wsx ${kib(wsx.idleRss)} RSS / ${kib(wsx.idleHeap)} heap+external; ws ${kib(ws.idleRss)} RSS / ${kib(ws.idleHeap)} heap+external` +
      ` (wsx/ws RSS ${(wsx.idleRss / ws.idleRss).toFixed(2)})`;
    ctx.log(`  ${line}`);
    notes.push(line);
  }
  return { title: 'Node client/server: loopback echo and memory (wsx vs ws 8)', baseline: 'ws', rows, notes };
}
