/**
 * Benchmark runner: `npm run bench [-- --quick] [--only <name>] [--json <file>]`.
 *
 * Discovers every `bench/*.bench.ts`, runs them one after another (never in
 * parallel: they would disturb each other's timings), prints each table on
 * stdout and, with `--json`, writes all results with the environment they were
 * measured in.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';
import { createContext, formatTable, type BenchContext, type BenchTable } from './lib/index.js';

interface Args {
  quick: boolean;
  only: string[];
  json: string | undefined;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { quick: false, only: [], json: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') args.quick = true;
    else if (arg === '--only' && argv[i + 1] !== undefined) args.only.push(argv[++i]!);
    else if (arg === '--json' && argv[i + 1] !== undefined) args.json = argv[++i]!;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: tsx bench/run.ts [--quick] [--only <name>]... [--json <file>]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (try --help)`);
  }
  return args;
}

type BenchModule = { default: (ctx: BenchContext) => Promise<BenchTable> };

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = dirname(fileURLToPath(import.meta.url));
  const files = (await readdir(dir))
    .filter((f) => f.endsWith('.bench.ts'))
    .sort()
    .filter((f) => args.only.length === 0 || args.only.some((name) => basename(f, '.bench.ts').includes(name)));
  if (files.length === 0) throw new Error(`no benchmark matches ${args.only.join(', ')}`);

  const ctx = createContext(args.quick);
  const cpus = os.cpus();
  process.stdout.write(
    `wsx benchmarks · node ${process.version} · ${cpus[0]?.model ?? 'unknown cpu'} × ${cpus.length}` +
      ` · load ${os.loadavg()[0]!.toFixed(2)}${args.quick ? ' · QUICK (smoke run, figures not meaningful)' : ''}\n\n`,
  );
  const results: { name: string; table: BenchTable }[] = [];
  let failed = false;
  for (const file of files) {
    const name = basename(file, '.bench.ts');
    ctx.log(`# ${name}`);
    try {
      const mod = (await import(pathToFileURL(join(dir, file)).href)) as BenchModule;
      const table = await mod.default(ctx);
      results.push({ name, table });
      process.stdout.write(`${formatTable(table)}\n\n`);
    } catch (error) {
      // One broken benchmark must not hide the others' results.
      failed = true;
      process.stderr.write(`benchmark ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
  }

  if (args.json !== undefined) {
    const environment = {
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpu: cpus[0]?.model ?? 'unknown',
      cpus: cpus.length,
      loadAverage: os.loadavg()[0],
      date: new Date().toISOString(),
      quick: args.quick,
    };
    await writeFile(args.json, `${JSON.stringify({ environment, results }, null, 2)}\n`);
    ctx.log(`results written to ${args.json}`);
  }
  if (failed) process.exitCode = 1;
}

await main();
