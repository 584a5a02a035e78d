/**
 * permessage-deflate: a compress → inflate round trip per message, with
 * context takeover, for 200 B JSON, 4 KiB JSON, 64 KiB text and 1 MiB text.
 * Side by side in one run:
 *   - wsx: a negotiated client session's outgoing stage into a server
 *     session's incoming stage (window 15, memLevel 8: zlib's defaults, the
 *     same settings as every other row, native zlib both ways), and "wsx
 *     defaults" in each direction (window 12; the server compresses with
 *     lowMemoryBackend at memLevel 4 and inflates with pako, the client uses
 *     native zlib at memLevel 8);
 *   - ws: its PerMessageDeflate class, threshold 0 (async node:zlib);
 *   - faye: permessage-deflate through websocket-extensions (async node:zlib);
 *   - node:zlib floor: one raw DeflateRaw/InflateRaw pair driven synchronously
 *     by hand (Node's own sync chunk processing, no wrapper at all).
 * Messages rotate through distinct payloads so context takeover helps as it
 * would on a real connection, not by repeating one message. Each row checks
 * that the round trip returned the original bytes.
 *
 * Also reported (notes): compression ratio per implementation, memory per
 * connection (zlib's formula and measured), and the longest synchronous
 * stretch while wsx handles a 16 MiB message.
 */
import { compare, type BenchContext, type BenchRow, type BenchTable } from './lib/index.js';
import { longestSyncStretch, memoryPerConnection } from './deflate/figures.js';
import { fayeImpl, floorImpl, wsImpl, wsxImpl, type Impl } from './deflate/implementations.js';
import { CASES } from './deflate/payloads.js';
import { defaultBackend } from '../src/deflate/index.js';


/** zlib's own defaults (window 15, memLevel 8), both directions native, like every non-wsx row. */
const zlibDefaults = { serverMaxWindowBits: 15, clientMaxWindowBits: 15, backend: defaultBackend, compressSettings: { memLevel: 8 } };

export default async function deflateBench(ctx: BenchContext): Promise<BenchTable> {
  // Memory first: the throughput runs below leave garbage that would blur it.
  const memory = await memoryPerConnection(ctx.quick, 'default');
  const memoryHibernated = await memoryPerConnection(ctx.quick, 'hibernated');
  const memoryNative = await memoryPerConnection(ctx.quick, 'native');
  const memoryFreeing = await memoryPerConnection(ctx.quick, 'freeing');
  const rows: BenchRow[] = [];
  for (const { label, make, distinct } of CASES) {
    const messages = Array.from({ length: distinct }, (_, i) => make(i + 1));
    const impls: Record<string, Impl> = {
      wsx: wsxImpl({ client: { compressSettings: { memLevel: 8 } }, server: zlibDefaults }),
      'wsx defaults, server → client': wsxImpl({ from: 'server' }),
      'wsx defaults, client → server': wsxImpl({ from: 'client' }),
      ws: wsImpl(),
      faye: fayeImpl(),
      'node:zlib floor': floorImpl(),
    };
    const ops: Record<string, () => unknown> = {};
    for (const [name, impl] of Object.entries(impls)) {
      let i = 0;
      ops[name] = () => impl.roundTrip(messages[i++ % messages.length]!);
    }
    const bytes = Math.round(messages.reduce((n, m) => n + m.length, 0) / messages.length);
    const caseRows = await compare(ctx, `${label} round trip`, ops, { bytesPerOp: bytes });
    for (const row of caseRows) {
      const { stats } = impls[row.impl]!;
      if (!stats.checked) throw new Error(`${row.impl} never completed a round trip`);
      rows.push({ ...row, note: `ratio ${(stats.wire / stats.raw).toFixed(3)}` });
    }
  }
  const floorOf = (label: string) => rows.find((r) => r.case === `${label} round trip` && r.impl === 'node:zlib floor')!;
  const notes = [
    'One op = compress one message with context takeover, then inflate it on the other side (MB/s counts the message once).',
    'wsx, ws, faye and the floor all use window 15 / memLevel 8 / level 6, native zlib. "wsx defaults" use the factories\' defaults, window 12, level 6: server → client = the server compresses (lowMemoryBackend, memLevel 4) and the client inflates (native); client → server = the client compresses (native, memLevel 8) and the server inflates (pako). ratio = compressed / original bytes.',
    ...CASES.map(({ label }) => {
      const wsx = rows.find((r) => r.case === `${label} round trip` && r.impl === 'wsx')!;
      return `${label}: wsx = ×${(wsx.opsPerSec / floorOf(label).opsPerSec).toFixed(2)} of the node:zlib floor`;
    }),
    memory,
    memoryHibernated,
    memoryNative,
    memoryFreeing,
    await longestSyncStretch(),
  ];
  return { title: 'permessage-deflate round trip (compress → inflate, context takeover)', baseline: 'ws', rows, notes };
}
