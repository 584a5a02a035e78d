// The TypeScript port of x-crc32 against the Python original
// (crc32_extension.py) running in Python's websockets (Debian
// python3-websockets), over 127.0.0.1, in both roles.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { fromPythonStyleClientFactory, fromPythonStyleServerFactory } from '../../src/negotiation/index.js';
import { connect, serve, type WebSocketServer } from '../../src/node/index.js';
import { PYTHON, hasPythonWebsockets, peerAvailable } from '../../test/support/peers.js';
import { ClientCrc32Factory, ServerCrc32Factory } from './index.js';

const available = peerAvailable('python3-websockets', hasPythonWebsockets());
const PEER = fileURLToPath(new URL('./peer.py', import.meta.url));
// The messages peer.py sends, as wsx delivers them.
const MESSAGES = ['hello', Uint8Array.of(0, 1, 2, 255), 'ünïcödé '.repeat(500), new Uint8Array(256 * 400).map((_, i) => i % 256), ''];

let server: WebSocketServer | undefined;
let python: ChildProcessWithoutNullStreams | undefined;
afterEach(async () => {
  python?.kill();
  python = undefined;
  await server?.close();
  server = undefined;
});

/** Starts peer.py and resolves with its first stdout line, parsed. */
function runPeer(args: string[]): Promise<Record<string, unknown>> {
  python = spawn(PYTHON, [PEER, ...args]);
  const child = python;
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`peer.py timed out; stderr:\n${stderr}`)), 20_000);
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`peer.py exited with ${code}; stderr:\n${stderr}`));
    });
  });
}

describe.skipIf(!available)('x-crc32 against Python websockets', () => {
  it('Python client → wsx serve()', async () => {
    server = await serve(
      async (connection) => {
        for await (const message of connection) await connection.send(message);
      },
      { extensions: [fromPythonStyleServerFactory(new ServerCrc32Factory())], compression: null },
    );
    const { port } = server.address() as { port: number };
    const report = await runPeer(['client', `ws://127.0.0.1:${port}/`]);
    expect(report).toEqual({ extensions: ['x-crc32'], ok: true, count: MESSAGES.length });
  });

  it('wsx connect() → Python server', async () => {
    const { port } = (await runPeer(['server'])) as { port: number };
    const connection = connect(`ws://127.0.0.1:${port}/`, {
      extensions: [fromPythonStyleClientFactory(new ClientCrc32Factory())],
      compression: null,
    });
    const { extensions, readable } = await connection.opened;
    expect(extensions).toBe('x-crc32');
    const reader = readable.getReader();
    for (const message of MESSAGES) {
      await connection.send(message);
      expect((await reader.read()).value).toEqual(message);
    }
    reader.releaseLock();
    connection.close({ closeCode: 1000 });
    expect((await connection.closed).closeCode).toBe(1000);
    python!.stdin.end();
  });
});
