// The wsx command line, run as a real process (through tsx, from source).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/node/connect.js';
import { echo, startServer, take } from './helpers.js';

const MAIN = fileURLToPath(new URL('../../src/node/cli/main.ts', import.meta.url));
const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function wsx(...args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  const lines: string[] = [];
  const waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const w of [...waiters]) if (w.test(line)) waiters.splice(waiters.indexOf(w), 1), w.resolve(line);
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const waitFor = (pattern: RegExp): Promise<string> => {
    const found = lines.find((l) => pattern.test(l));
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      waiters.push({ test: (l) => pattern.test(l), resolve });
      void exited.then(() => reject(new Error(`exited before printing ${pattern}; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`)));
    });
  };
  return { child, lines, exited, waitFor, stderr: () => stderr };
}

describe('wsx CLI', () => {
  it('prints its version and help, and refuses unknown commands with exit code 2', async () => {
    const version = wsx('--version');
    expect(await version.exited).toBe(0);
    expect(version.lines).toEqual([PACKAGE.version]);
    const help = wsx('--help');
    expect(await help.exited).toBe(0);
    expect(help.lines.join('\n')).toMatch(/wsx serve \[--port N\]/);
    const bad = wsx('fly');
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toMatch(/unknown command "fly"/);
    const badFlag = wsx('serve', '--port', 'many');
    expect(await badFlag.exited).toBe(2);
  });

  it('refuses a port out of range, a bad URL and extra arguments as usage errors (exit 2)', async () => {
    const cases = [
      [['serve', '--port', '70000'], /--port must be an integer from 0 to 65535/],
      [['connect', 'not a url'], /not a valid WebSocket URL/],
      [['connect', 'http://127.0.0.1:1'], /ws:\/\/ or wss:\/\//],
      [['serve', 'extra'], /unexpected argument "extra"/],
      [['connect', 'ws://127.0.0.1:1', 'extra'], /unexpected argument "extra"/],
    ] as const;
    const runs = cases.map(([args]) => wsx(...args));
    for (const [i, run] of runs.entries()) {
      expect(await run.exited).toBe(2);
      expect(run.stderr()).toMatch(cases[i]![1]);
      expect(run.stderr()).toMatch(/Run wsx --help for usage/);
    }
  });

  it('serve: echoes, reports extensions and byte counts, stops on SIGTERM', async () => {
    const server = wsx('serve', '--port', '0');
    const listening = await server.waitFor(/listening on ws:\/\/127\.0\.0\.1:\d+/);
    const url = listening.match(/ws:\/\/[\d.:]+/)![0];
    const client = connect(url);
    const text = JSON.stringify({ hello: 'cli', pad: 'x'.repeat(2000) });
    await client.send(text);
    expect(await take(client, 1)).toEqual([text]);
    expect(await server.waitFor(/connected from/)).toMatch(/extensions: permessage-deflate/);
    client.close({ closeCode: 1000 });
    await client.closed;
    const closedLine = await server.waitFor(/\] closed 1000/);
    expect(closedLine).toMatch(/in: 1 msgs, 1\.\d+ KiB payload, \d+ B on the wire/);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('serve --broadcast --no-compression: a message reaches every connection', async () => {
    const server = wsx('serve', '--port', '0', '--broadcast', '--no-compression');
    const url = (await server.waitFor(/listening on/)).match(/ws:\/\/[\d.:]+/)![0];
    const a = connect(url, { compression: null });
    const b = connect(url, { compression: null });
    await Promise.all([a.opened, b.opened]);
    await server.waitFor(/\[#2\] connected/);
    expect(server.lines.filter((l) => /extensions: \(none\)/.test(l))).toHaveLength(2);
    await a.send('to everyone');
    expect(await take(a, 1)).toEqual(['to everyone']);
    expect(await take(b, 1)).toEqual(['to everyone']);
    a.close();
    b.close();
    await Promise.all([a.closed, b.closed]);
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
  });

  it('connect: sends stdin lines, prints messages, prints statistics on exit', async () => {
    const server = await startServer(echo);
    const client = wsx('connect', server.url);
    expect(await client.waitFor(/^extensions:/)).toMatch(/permessage-deflate/);
    client.child.stdin.write('first line\n');
    await client.waitFor(/^< first line$/);
    client.child.stdin.write('second line\n');
    await client.waitFor(/^< second line$/);
    client.child.stdin.end();
    expect(await client.exited).toBe(0);
    expect(client.lines).toContain('closed 1000');
    expect(client.lines.at(-1)).toMatch(/in: 2 msgs, 21 B payload, \d+ B on the wire.*out: 2 msgs/);
    await server.close();
  });

  it('connect: a refused connection is a clear error with exit code 1', async () => {
    const server = await startServer(echo);
    const port = server.port;
    await server.close();
    const client = wsx('connect', `ws://127.0.0.1:${port}`);
    expect(await client.exited).toBe(1);
    expect(client.stderr()).toMatch(/cannot connect to 127\.0\.0\.1/);
  });

  it('demo: runs the workload both ways and prints the comparison table', async () => {
    const demo = wsx('demo', '--messages', '3000');
    expect(await demo.exited).toBe(0);
    const output = demo.lines.join('\n');
    expect(output).toMatch(/\[deflate\] 3,000 \/ 3,000 ticks \(100%\)/);
    const deflate = demo.lines.find((l) => l.startsWith('permessage-deflate '))!;
    const plain = demo.lines.find((l) => l.startsWith('no compression '))!;
    expect(deflate).toMatch(/3,000/);
    expect(plain).toMatch(/3,000/);
    const ratio = Number(deflate.match(/([\d.]+)x/)![1]);
    expect(ratio).toBeGreaterThan(2); // JSON ticks compress well with context takeover
    expect(Number(plain.match(/([\d.]+)x/)![1])).toBeLessThan(1);
  }, 60_000);
});
