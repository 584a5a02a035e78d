/**
 * Child process of bench/node.bench.ts (run with --expose-gc): an echo server
 * (wsx or ws, compression on or off) whose memory is measured in isolation.
 * Protocol on stdio: prints {"port"} when listening; on the line "baseline"
 * it collects garbage and prints {"rss","heap"}; on "measure" the same plus
 * the number of open connections. The parent owns the clients.
 */
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { WebSocketServer } from 'ws';
import { serve } from '../../src/node/serve.js';

const [impl, compressionArg] = process.argv.slice(2);
const compression = compressionArg === 'on';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

let connections: () => number;
let port: number;
if (impl === 'wsx') {
  const server = await serve(
    async (connection) => {
      for await (const message of connection) await connection.send(message);
    },
    { compression: compression ? 'deflate' : null },
  );
  port = (server.address() as AddressInfo).port;
  connections = () => server.connections.size;
} else {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: compression });
  server.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
  connections = () => server.clients.size;
}

async function settle(): Promise<{ rss: number; heap: number }> {
  for (let i = 0; i < 6; i++) {
    gc!();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed + usage.external };
}

process.stdout.write(JSON.stringify({ port }) + '\n');
createInterface({ input: process.stdin }).on('line', async (line) => {
  if (line === 'baseline' || line === 'measure') {
    process.stdout.write(JSON.stringify({ ...(await settle()), connections: connections() }) + '\n');
  }
});
process.stdin.on('end', () => process.exit(0));
