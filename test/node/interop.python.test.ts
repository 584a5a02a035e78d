// Python `websockets` (Debian's python3-websockets) as a real peer: its
// client against serve(), its server for connect(), compression on and off,
// and permessage-deflate parameters forced from either side.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/node/connect.js';
import { ClientPerMessageDeflateFactory, ServerPerMessageDeflateFactory } from '../../src/deflate/index.js';
import { hasPythonWebsockets, peerAvailable, PYTHON } from '../support/peers.js';
import { echo, startServer, take } from './helpers.js';

const SCRIPT = fileURLToPath(new URL('../fixtures/python/websockets_peer.py', import.meta.url));
const available = peerAvailable('python3-websockets', hasPythonWebsockets());

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

type Config = { compression?: 'deflate' | null; deflate?: Record<string, unknown> };

/** Runs the Python client against `url`; resolves with its JSON report. */
function pythonClient(url: string, config: Config): Promise<{ extensions: string | null; echoed: boolean; close_code: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT, 'client', url, JSON.stringify(config)]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    const timer = setTimeout(() => child.kill(), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out));
      else reject(new Error(`python client exited ${code}: ${err}`));
    });
  });
}

/** Starts the Python echo server; resolves with its port and its per-connection reports. */
async function pythonServer(config: Config): Promise<{ port: number; lines: Record<string, unknown>[]; child: ChildProcessWithoutNullStreams }> {
  const child = spawn(PYTHON, [SCRIPT, 'server', JSON.stringify(config)]);
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        child.once('close', () => resolve());
        child.stdin.end();
        setTimeout(() => child.kill(), 5_000).unref();
      }),
  );
  const lines: Record<string, unknown>[] = [];
  const reader = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    reader.on('line', (line) => {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (typeof parsed.port === 'number') resolve(parsed.port);
      else lines.push(parsed);
    });
    child.once('close', (code) => reject(new Error(`python server exited ${code}`)));
  });
  return { port, lines, child };
}

const MESSAGES = (): (string | Uint8Array)[] => [
  'hello from wsx',
  '',
  'ünïcødé ✓ '.repeat(100),
  JSON.stringify(Array.from({ length: 2000 }, (_, seq) => ({ type: 'tick', seq, price: 100 + seq / 100 }))),
  new Uint8Array(102_400).map((_, i) => i & 0xff),
  new Uint8Array(0),
];

describe.skipIf(!available)('Python websockets client ⇄ wsx serve()', () => {
  it.each([
    { name: 'both default (deflate)', ours: 'deflate' as const, theirs: { compression: 'deflate' } as Config, expect: /^permessage-deflate/ },
    { name: 'python without compression', ours: 'deflate' as const, theirs: { compression: null } as Config, expect: null },
    { name: 'wsx without compression', ours: null, theirs: { compression: 'deflate' } as Config, expect: null },
    {
      name: 'python forces no context takeover both ways',
      ours: 'deflate' as const,
      theirs: { deflate: { server_no_context_takeover: true, client_no_context_takeover: true } },
      expect: /server_no_context_takeover.*client_no_context_takeover|client_no_context_takeover.*server_no_context_takeover/,
    },
    {
      // zlib cannot compress raw deflate with an 8-bit window, so Python only asks it of us.
      name: 'python forces an 8-bit server window',
      ours: 'deflate' as const,
      theirs: { deflate: { server_max_window_bits: 8 } },
      expect: /server_max_window_bits=8/,
    },
    {
      name: 'python forces server_max_window_bits=10 without client_max_window_bits',
      ours: 'deflate' as const,
      theirs: { deflate: { server_max_window_bits: 10, client_max_window_bits: null } },
      expect: /server_max_window_bits=10/,
    },
  ])('$name', async ({ ours, theirs, expect: pattern }) => {
    let serverSide = '';
    const server = await startServer(
      async (connection, request) => {
        serverSide = connection.extensions;
        await echo(connection, request);
      },
      { compression: ours, maxSize: 1 << 24 },
    );
    cleanup.push(() => server.close());
    const report = await pythonClient(server.url, theirs);
    expect(report.echoed).toBe(true);
    expect(report.close_code).toBe(4000);
    if (pattern === null) expect(report.extensions).toBeNull();
    else expect(report.extensions).toMatch(pattern);
    expect(serverSide).toBe(report.extensions ?? '');
  });

  it('accepts parameters forced from the wsx server side', async () => {
    const server = await startServer(echo, {
      compression: null,
      extensions: [new ServerPerMessageDeflateFactory({ serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 9 })],
      maxSize: 1 << 24,
    });
    cleanup.push(() => server.close());
    const report = await pythonClient(server.url, { compression: 'deflate' });
    expect(report.echoed).toBe(true);
    expect(report.extensions).toMatch(/server_no_context_takeover/);
    expect(report.extensions).toMatch(/client_no_context_takeover/);
    expect(report.extensions).toMatch(/server_max_window_bits=9/);
  });
});

describe.skipIf(!available)('wsx connect() ⇄ Python websockets server', () => {
  it.each([
    { name: 'both default (deflate)', ours: { compression: 'deflate' as const }, theirs: { compression: 'deflate' } as Config, agreed: true },
    { name: 'python without compression', ours: { compression: 'deflate' as const }, theirs: { compression: null } as Config, agreed: false },
    { name: 'wsx without compression', ours: { compression: null }, theirs: { compression: 'deflate' } as Config, agreed: false },
    {
      name: 'python server forces no context takeover and 9-bit windows',
      ours: { compression: 'deflate' as const },
      theirs: { deflate: { server_no_context_takeover: true, client_no_context_takeover: true, server_max_window_bits: 9, client_max_window_bits: 9 } },
      agreed: true,
    },
    {
      name: 'wsx client forces its own parameters',
      ours: {
        compression: null,
        extensions: [new ClientPerMessageDeflateFactory({ serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 10, clientMaxWindowBits: 11 })],
      },
      theirs: { compression: 'deflate' } as Config,
      agreed: true,
    },
  ])('$name', async ({ ours, theirs, agreed }) => {
    const python = await pythonServer(theirs);
    const client = connect(`ws://127.0.0.1:${python.port}/`, { ...ours, maxSize: 1 << 24 });
    const { extensions } = await client.opened;
    expect(extensions.startsWith('permessage-deflate')).toBe(agreed);
    for (const message of MESSAGES()) void client.send(message);
    expect(await take(client, MESSAGES().length)).toEqual(MESSAGES());
    client.close({ closeCode: 4001, reason: 'wsx done' });
    expect(await client.closed).toMatchObject({ closeCode: 4001, wasClean: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(python.lines.at(-1)).toEqual({ closed: 4001, reason: 'wsx done' });
    expect(python.lines[0]).toEqual({ extensions: agreed ? extensions : null });
  });
});
