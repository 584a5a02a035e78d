import { describe, expect, it } from 'vitest';
import * as polyfill from 'web-streams-polyfill';

// Guards the two-implementation set-up itself: in the polyfill project the
// globals must really be the polyfill's classes, in the native one Node's.
describe('stream implementation under test', () => {
  it('matches the vitest project', () => {
    const marker = (globalThis as { __wsxStreamImplementation?: string }).__wsxStreamImplementation;
    const isPolyfill = globalThis.TransformStream === (polyfill.TransformStream as unknown);
    expect(isPolyfill).toBe(marker === 'web-streams-polyfill');
  });
});
