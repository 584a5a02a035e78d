#!/usr/bin/env node
/**
 * The `wsx` command line: `serve`, `connect`, `demo` (the default of
 * `npm start`), `--help`, `--version`. Argument parsing is node:util's
 * parseArgs; each command lives in its own file.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connectCommand } from './connectCommand.js';
import { demo } from './demo.js';
import { serveCommand } from './serveCommand.js';

const HELP = `wsx — composable WebSocket extensions; permessage-deflate on by default

Usage:
  wsx demo [--messages N]        server + client on 127.0.0.1 streaming JSON market
                                 ticks, with and without compression; prints a table
  wsx serve [--port N] [--host H] [--no-compression] [--broadcast]
                                 echo server (--broadcast: send each message to
                                 every connection); logs extensions and byte counts
  wsx connect <url> [--no-compression] [--protocol P]...
                                 interactive client: stdin lines are sent, messages
                                 printed; compression statistics on exit
  wsx --help | --version
`;

/** Finds our package.json whether running from src/ (tsx) or dist/src/ (built). */
function version(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'wsx') return pkg.version ?? '0.0.0';
    } catch {
      // not here; look one level up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

function positiveInt(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return n;
}

function portNumber(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got ${JSON.stringify(value)}`);
  return n;
}

/** A ws:// or wss:// URL, or a usage error (connect() would fail later with a less helpful message). */
function webSocketUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${JSON.stringify(value)} is not a valid WebSocket URL, e.g. ws://127.0.0.1:8080`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new UsageError(`the URL must start with ws:// or wss://, got ${JSON.stringify(value)}`);
  return value;
}

/** Positional arguments a command does not take are an error, not silently ignored. */
function noMore(args: readonly string[]): void {
  if (args.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args[0])}`);
}

class UsageError extends Error {}

const log = (line: string): void => void process.stdout.write(line + '\n');

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      'no-compression': { type: 'boolean' },
      broadcast: { type: 'boolean' },
      protocol: { type: 'string', multiple: true },
      messages: { type: 'string', short: 'n' },
    },
  });
  if (values.version) {
    log(version());
    return 0;
  }
  const [command = values.help ? 'help' : 'demo', ...rest] = positionals;
  if (values.help || command === 'help') {
    log(HELP);
    return 0;
  }
  const compression = !values['no-compression'];
  switch (command) {
    case 'demo': {
      noMore(rest);
      const tty = process.stdout.isTTY === true;
      await demo({
        messages: positiveInt('messages', values.messages, 50_000),
        log,
        progress: tty ? (line) => void process.stdout.write(`\r\x1b[2K${line}`) : null,
      });
      return 0;
    }
    case 'serve': {
      noMore(rest);
      const server = await serveCommand({
        port: portNumber(values.port, 8080),
        host: values.host ?? '127.0.0.1',
        compression,
        broadcast: values.broadcast === true,
        log,
      });
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          log('shutting down: closing connections with 1001');
          void server.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      return 0;
    }
    case 'connect': {
      const [raw, ...extra] = rest;
      if (raw === undefined) throw new UsageError('wsx connect needs a URL, e.g. wsx connect ws://127.0.0.1:8080');
      noMore(extra);
      const url = webSocketUrl(raw);
      const info = await connectCommand({ url, compression, protocols: values.protocol ?? [], input: process.stdin, log });
      return info.wasClean ? 0 : 1;
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`wsx: ${(error as Error).message ?? String(error)}\n${usage ? 'Run wsx --help for usage.\n' : ''}`);
    process.exitCode = usage ? 2 : 1;
  },
);
