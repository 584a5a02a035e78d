/**
 * `wsx demo` (what `npm start` runs): a server and a client on 127.0.0.1.
 * The server publishes a feed of JSON market ticks, the client acknowledges
 * every 1,000th; the run is repeated with permessage-deflate and without, and
 * a table compares bytes on the wire and throughput.
 */
import { connect } from '../connect.js';
import { serve } from '../serve.js';
import type { ConnectionStats } from '../connection/connectionDriver.js';
import { formatBytes, formatCount, formatTable } from './format.js';
import { marketTicks } from './marketTicks.js';

export interface DemoOptions {
  readonly messages: number;
  readonly log: (line: string) => void;
  /** Rewrites the progress line in place (a TTY); otherwise progress is logged at quarters. */
  readonly progress: ((line: string) => void) | null;
}

const ignore = (): void => undefined;

interface RunResult {
  readonly label: string;
  readonly server: ConnectionStats;
  readonly seconds: number;
  readonly extensions: string;
}

async function run(label: string, compression: 'deflate' | null, options: DemoOptions): Promise<RunResult> {
  const total = options.messages;
  let serverStats: ConnectionStats | undefined;
  const server = await serve(
    async (connection) => {
      const { writable, readable } = await connection.opened;
      const writer = writable.getWriter();
      const acks = readable.pipeTo(new WritableStream()); // drain the client's acknowledgements
      for (const tick of marketTicks(total)) {
        if ((writer.desiredSize ?? 0) <= 0) await writer.ready; // backpressure from the socket
        writer.write(tick).catch(ignore);
      }
      await writer.close(); // closes the connection with 1000 once everything is out
      await acks.catch(() => undefined);
      await connection.closed;
      serverStats = connection.stats;
    },
    { compression },
  );
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const started = performance.now();
  const client = connect(`ws://127.0.0.1:${port}/feed`, { compression });
  const { extensions } = await client.opened;
  let received = 0;
  let nextReport = 0;
  const step = Math.max(1, Math.floor(total / 100));
  for await (const tick of client) {
    received++;
    // Acks after the server's Close has arrived are refused; that is fine here.
    if (received % 1000 === 0) client.send(JSON.stringify({ type: 'ack', seq: received })).catch(() => undefined);
    if (received >= nextReport) {
      nextReport += options.progress ? step : Math.ceil(total / 4);
      const percent = Math.floor((received / total) * 100);
      const line = `[${label}] ${formatCount(received)} / ${formatCount(total)} ticks (${percent}%) — last: ${String(tick).slice(0, 60)}…`;
      (options.progress ?? options.log)(line);
    }
  }
  await client.closed;
  const seconds = (performance.now() - started) / 1000;
  await server.close();
  if (received !== total) throw new Error(`${label}: received ${received} of ${total} ticks`);
  return { label, server: serverStats!, seconds, extensions };
}

/** Runs both passes and prints the comparison table. Resolves with the table text. */
export async function demo(options: DemoOptions): Promise<string> {
  options.log(`wsx demo: streaming ${formatCount(options.messages)} JSON market ticks over 127.0.0.1, with and without permessage-deflate`);
  const results = [await run('deflate', 'deflate', options), await run('plain', null, options)];
  if (options.progress) options.progress('');
  const plainWire = results[1]!.server.wireBytesSent;
  const rows = results.map((r) => [
    r.label === 'deflate' ? 'permessage-deflate' : 'no compression',
    formatCount(r.server.messagesSent),
    formatBytes(r.server.bytesSent),
    formatBytes(r.server.wireBytesSent),
    `${(r.server.bytesSent / r.server.wireBytesSent).toFixed(2)}x`,
    `${((r.server.wireBytesSent / plainWire) * 100).toFixed(1)}%`,
    r.seconds.toFixed(2),
    formatCount(r.server.messagesSent / r.seconds),
    (r.server.bytesSent / r.seconds / 1e6).toFixed(1),
  ]);
  const table = formatTable(
    ['mode', 'messages', 'payload', 'on the wire', 'ratio', 'wire vs plain', 'seconds', 'msg/s', 'MB/s'],
    rows,
  );
  options.log('');
  options.log(table);
  options.log('');
  options.log(`negotiated: ${results[0]!.extensions || '(none)'}`);
  return table;
}
