/**
 * Figures reported under the deflate table: memory per connection (zlib's
 * formula and measured, for the server defaults, native zlib and freed
 * contexts, each in its own child process so that memory one configuration
 * freed cannot be reused by the next) and the longest event-loop stall while
 * wsx handles a 16 MiB message.
 */
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  ClientPerMessageDeflateFactory,
  ServerPerMessageDeflateFactory,
  defaultBackend,
  type PerMessageDeflateSession,
  type ServerPerMessageDeflateOptions,
} from '../../src/deflate/index.js';
import { createFrame, type Frame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { context, wsxSessions } from './implementations.js';
import { jsonMessage, textMessage } from './payloads.js';

const KiB = 1024;
const MiB = 1024 * KiB;


function gc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** zlib's documented memory use, in bytes. */
function zlibFormula(deflateBits: number, memLevel: number, inflateBits: number): number {
  return (1 << (deflateBits + 2)) + (1 << (memLevel + 9)) + (1 << inflateBits) + 7 * KiB;
}

/** The server configurations whose memory is reported. */
export const MEMORY_CONFIGS = {
  default: { label: 'server factory defaults (lowMemoryBackend, window 12, memLevel 4)', options: {} },
  native: { label: 'native zlib server (minizlib, window 12, memLevel 5: the previous default)', options: { backend: defaultBackend, compressSettings: { memLevel: 5 } } },
  hibernated: {
    label: 'server factory defaults, idle sessions hibernated (what the idle sweeper does after 2–4 s)',
    options: {},
  },
  freeing: {
    label: 'both *_no_context_takeover with freeContextBetweenMessages (idle connections hold no zlib context)',
    options: { serverNoContextTakeover: true, clientNoContextTakeover: true, freeContextBetweenMessages: true },
  },
} satisfies Record<string, { label: string; options: ServerPerMessageDeflateOptions }>;

/**
 * Server sessions after one 1 KiB JSON message each way (both zlib contexts
 * exist unless freed): growth of RSS, JS heap and ArrayBuffers per session.
 */
export async function measureMemoryPerConnection(quick: boolean, config: keyof typeof MEMORY_CONFIGS): Promise<string> {
  const count = quick ? 200 : 2000;
  const { label, options } = MEMORY_CONFIGS[config];
  const factory = new ServerPerMessageDeflateFactory(options);
  const peer = new ClientPerMessageDeflateFactory();
  const message = createFrame(Opcode.Text, jsonMessage(1024, 1));
  // One client-compressed first message, valid for every fresh server session,
  // so no client contexts are created (and freed) in the measured window.
  const probe = wsxSessions(peer, factory);
  const wire = probe.client.outgoing.process(message, context) as Frame;
  await Promise.all([probe.client.close(), probe.server.close()]);
  const sessions: PerMessageDeflateSession[] = [];
  gc();
  const before = process.memoryUsage();
  for (let i = 0; i < count; i++) {
    const { server } = wsxSessions(peer, factory);
    server.incoming.process(wire, context);
    server.outgoing.process(message, context);
    if (config === 'hibernated') server.hibernate();
    sessions.push(server);
  }
  gc();
  const after = process.memoryUsage();
  const per = (key: 'rss' | 'heapUsed' | 'arrayBuffers') => ((after[key] - before[key]) / count / KiB).toFixed(1);
  await Promise.all(sessions.map((session) => session.close()));
  const formula =
    config === 'freeing'
      ? ''
      : config === 'hibernated'
        ? ' (kept: both windows, i.e. what each direction carried, at most 4 KiB each)'
        : ` (zlib's formula ${(zlibFormula(12, config === 'default' ? 4 : 5, 12) / KiB).toFixed(1)} KiB; 15/8 would be ${(zlibFormula(15, 8, 15) / KiB).toFixed(1)} KiB)`;
  return (
    `memory per server connection, ${label}, over ${count} sessions after one 1 KiB message each way: ` +
    `+${per('rss')} KiB RSS, of which JS heap +${per('heapUsed')} KiB and ArrayBuffers +${per('arrayBuffers')} KiB${formula}`
  );
}

const MEMORY_CHILD = fileURLToPath(new URL('./memoryChild.ts', import.meta.url));

/** `measureMemoryPerConnection` in a fresh `--expose-gc` child process; resolves with its report line. */
export async function memoryPerConnection(quick: boolean, config: keyof typeof MEMORY_CONFIGS): Promise<string> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', MEMORY_CHILD, config, quick ? 'quick' : 'full'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`memory child (${config}) exited with ${code}`);
  return out.trim();
}

export async function longestSyncStretch(): Promise<string> {
  const { client, server } = wsxSessions(new ClientPerMessageDeflateFactory(), new ServerPerMessageDeflateFactory());
  const message = textMessage(16 * MiB, 99);
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const started = performance.now();
  const wire = (await client.outgoing.process(createFrame(Opcode.Binary, message), context)) as Frame;
  const back = (await server.incoming.process(wire, context)) as Frame;
  const elapsed = performance.now() - started;
  histogram.disable();
  if (back.payload.length !== message.length) throw new Error('16 MiB round trip lost data');
  return (
    `16 MiB round trip through the sessions took ${elapsed.toFixed(0)} ms; longest event-loop stall ` +
    `${(histogram.max / 1e6).toFixed(1)} ms (slices yield after a 4 ms budget; one compress slice = 64 KiB input, one inflate slice = 16 KiB)`
  );
}
