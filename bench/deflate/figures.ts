/**
 * Figures reported under the deflate table: memory per connection (zlib's
 * formula and measured) and the longest event-loop stall while wsx handles a
 * 16 MiB message.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  ClientPerMessageDeflateFactory,
  ServerPerMessageDeflateFactory,
  type PerMessageDeflateSession,
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

export async function memoryPerConnection(quick: boolean, freeing = false): Promise<string> {
  const count = quick ? 200 : 2000;
  const factory = freeing
    ? new ServerPerMessageDeflateFactory({ serverNoContextTakeover: true, clientNoContextTakeover: true, freeContextBetweenMessages: true })
    : new ServerPerMessageDeflateFactory();
  const peer = new ClientPerMessageDeflateFactory();
  const message = createFrame(Opcode.Text, jsonMessage(200, 1));
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
    // One message each way, so both zlib contexts of the session exist.
    server.incoming.process(wire, context);
    server.outgoing.process(message, context);
    sessions.push(server);
  }
  gc();
  const after = process.memoryUsage();
  const per = (key: 'rss' | 'heapUsed' | 'external') => (after[key] - before[key]) / count / KiB;
  await Promise.all(sessions.map((session) => session.close()));
  if (freeing) {
    return (
      `memory per idle server connection with both *_no_context_takeover and freeContextBetweenMessages: ` +
      `+${per('rss').toFixed(1)} KiB RSS (JS heap +${per('heapUsed').toFixed(1)} KiB)`
    );
  }
  return (
    `memory per server connection, defaults (window 12, memLevel 5, both zlib contexts live): ` +
    `zlib formula ${(zlibFormula(12, 5, 12) / KiB).toFixed(1)} KiB (15/8 would be ${(zlibFormula(15, 8, 15) / KiB).toFixed(1)} KiB); ` +
    `measured over ${count} sessions: +${per('rss').toFixed(1)} KiB RSS, of which JS heap +${per('heapUsed').toFixed(1)} KiB ` +
    `and buffers (external) +${per('external').toFixed(1)} KiB`
  );
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
