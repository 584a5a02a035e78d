import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// DESIGN.md: `src/streams` never imports rxjs (nor the operators built on it),
// so stream users do not pay for rxjs and the layering cannot be inverted.
const root = resolve(import.meta.dirname, '../..');
const streamsDir = join(root, 'src/streams');

function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

describe('src/streams layering', () => {
  const files = readdirSync(streamsDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(streamsDir, f));

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files.map((f) => relative(root, f)))('%s imports neither rxjs nor src/operators', (file) => {
    const bad = importsOf(join(root, file)).filter((s) => s === 'rxjs' || s.startsWith('rxjs/') || s.includes('/operators/'));
    expect(bad).toEqual([]);
  });

  it('nothing reachable from src/streams through relative imports uses rxjs', () => {
    const seen = new Set<string>();
    const offenders: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of importsOf(file)) {
        if (spec === 'rxjs' || spec.startsWith('rxjs/')) offenders.push(relative(root, file));
        if (spec.startsWith('.')) visit(resolve(dirname(file), spec).replace(/\.js$/, '.ts'));
      }
    };
    files.forEach(visit);
    expect(seen.size).toBeGreaterThan(files.length); // it did follow imports into src/protocol
    expect(offenders).toEqual([]);
  });
});
