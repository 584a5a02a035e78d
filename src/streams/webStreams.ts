/**
 * The WHATWG stream classes wsx builds on: the runtime's globals when present
 * (Node ≥ 18, browsers, Deno, workers), otherwise web-streams-polyfill,
 * loaded only in that case. Resolved once, when this module is first loaded.
 */
type StreamClasses = {
  ReadableStream: typeof globalThis.ReadableStream;
  WritableStream: typeof globalThis.WritableStream;
  TransformStream: typeof globalThis.TransformStream;
};

const g = globalThis as Partial<StreamClasses>;
const classes: StreamClasses =
  g.ReadableStream && g.WritableStream && g.TransformStream
    ? { ReadableStream: g.ReadableStream, WritableStream: g.WritableStream, TransformStream: g.TransformStream }
    : ((await import('web-streams-polyfill')) as unknown as StreamClasses);

export const ReadableStreamImpl = classes.ReadableStream;
export const WritableStreamImpl = classes.WritableStream;
export const TransformStreamImpl = classes.TransformStream;
