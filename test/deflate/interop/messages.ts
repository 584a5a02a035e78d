// The message plan shared by the interop suites: sizes from 0 B to 1 MiB,
// whole or in three fragments, sent through our session stages.
import type { ExtensionSession, FrameStage, StageContext } from '../../../src/protocol/extension.js';
import { createFrame, type Frame } from '../../../src/protocol/frame.js';
import { Opcode } from '../../../src/protocol/opcodes.js';
import { prose, randomBytes } from '../backends.js';

export const SIZES = [0, 1, 100, 4096, 65_536, 1 << 20] as const;

/** A mix of prose and noise, so both compressed and raw-fallback messages occur. */
export function bodyFor(size: number, index: number): Uint8Array {
  return index % 3 === 2 ? randomBytes(size, index + 1) : prose(size, index + 1);
}

export function splitInto(body: Uint8Array, fragmented: boolean): Uint8Array[] {
  if (!fragmented) return [body];
  const a = Math.floor(body.length / 3);
  const b = Math.floor((2 * body.length) / 3);
  return [body.subarray(0, a), body.subarray(a, b), body.subarray(b)];
}

export function framesOf(parts: Uint8Array[], opcode: typeof Opcode.Text | typeof Opcode.Binary = Opcode.Binary): Frame[] {
  return parts.map((part, i) => createFrame(i === 0 ? opcode : Opcode.Continuation, part, { fin: i === parts.length - 1 }));
}

const context: StageContext = { signal: new AbortController().signal };

export async function through(stage: FrameStage, frames: Frame[]): Promise<Frame[]> {
  const out: Frame[] = [];
  for (const frame of frames) {
    const result = await stage.process(frame, context);
    out.push(...(Array.isArray(result) ? (result as Frame[]) : [result as Frame]));
  }
  return out;
}

export function joined(frames: readonly { payload: Uint8Array }[]): Buffer {
  return Buffer.concat(frames.map((f) => f.payload));
}

export type Session = ExtensionSession & { outgoing: FrameStage; incoming: FrameStage };
