import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const json = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));

describe('the wsx/marbles entry point', () => {
  it('is exported from the package and built from marbles/ (tests excluded)', () => {
    const exports = json('package.json').exports['./marbles'];
    expect(exports).toEqual({ types: './dist/marbles/index.d.ts', default: './dist/marbles/index.js' });
    const build = json('tsconfig.build.json');
    expect(build.compilerOptions).toMatchObject({ rootDir: '.', outDir: 'dist', declaration: true });
    expect(build.include).toContain('marbles');
    expect(build.exclude).toEqual(expect.arrayContaining(['marbles/test']));
  });
});
