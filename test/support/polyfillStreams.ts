// Setup file of the `polyfill` vitest project: swap the global WHATWG stream
// classes for web-streams-polyfill's before any wsx module is loaded, so the
// same stream tests exercise a second, independent implementation.
import * as polyfill from 'web-streams-polyfill';

const names = [
  'ReadableStream',
  'WritableStream',
  'TransformStream',
  'ReadableStreamDefaultReader',
  'ReadableStreamBYOBReader',
  'WritableStreamDefaultWriter',
  'ByteLengthQueuingStrategy',
  'CountQueuingStrategy',
] as const;

for (const name of names) {
  Object.defineProperty(globalThis, name, {
    value: (polyfill as Record<string, unknown>)[name],
    writable: true,
    configurable: true,
  });
}
(globalThis as { __wsxStreamImplementation?: string }).__wsxStreamImplementation = 'web-streams-polyfill';
