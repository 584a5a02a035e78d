import { defineConfig } from 'vitest/config';

// Stream tests run twice: on the runtime's global WHATWG streams and on
// web-streams-polyfill, so wsx never depends on one engine's quirks.
const streamTests = ['test/streams/**/*.test.ts', 'test/**/*.streams.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: { name: 'native', include: ['test/**/*.test.ts', 'marbles/**/*.test.ts', 'examples/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'polyfill', include: streamTests, setupFiles: ['test/support/polyfillStreams.ts'] },
      },
    ],
  },
});
