// drive(): small jobs stay synchronous, long ones yield to the event loop and can be aborted.
import { describe, expect, it } from 'vitest';
import { drive, runToEnd } from '../../src/deflate/drive.js';
import { PerMessageCompressor } from '../../src/deflate/compressor.js';
import { createFrame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { prose } from './backends.js';

function* counter(steps: number, log: string[]): Generator<void, number, void> {
  for (let i = 0; i < steps; i++) {
    log.push(`step ${i}`);
    yield;
  }
  return steps;
}

describe('drive', () => {
  it('returns the value itself when the job finishes within the budget', () => {
    expect(drive(counter(3, []), 1000)).toBe(3);
    expect(runToEnd(counter(5, []))).toBe(5);
  });

  it('lets other work run between slices once the budget is spent', async () => {
    const log: string[] = [];
    const result = drive(counter(4, log), 0);
    expect(result).toBeInstanceOf(Promise);
    setImmediate(() => log.push('other work'));
    expect(await result).toBe(4);
    const other = log.indexOf('other work');
    expect(other).toBeGreaterThan(0);
    expect(other).toBeLessThan(log.length - 1);
  });

  it('stops at the next pause when the signal aborts', async () => {
    const controller = new AbortController();
    const log: string[] = [];
    const result = drive(counter(1000, log), 0, controller.signal);
    controller.abort(new Error('stop'));
    await expect(result).rejects.toThrow('stop');
    expect(log.length).toBeLessThan(1000);
  });

  it('a large frame is compressed in many slices', () => {
    const compressor = new PerMessageCompressor();
    const job = compressor.steps(createFrame(Opcode.Text, prose(1 << 20)));
    let pauses = 0;
    for (let step = job.next(); !step.done; step = job.next()) pauses++;
    expect(pauses).toBeGreaterThanOrEqual(16);
  });
});

describe('one frame at a time', () => {
  it('refuses a frame submitted while a sliced one is still in progress', async () => {
    const compressor = new PerMessageCompressor();
    const pending = drive(compressor.steps(createFrame(Opcode.Text, prose(1 << 20))), 0);
    expect(pending).toBeInstanceOf(Promise);
    expect(() => compressor.process(createFrame(Opcode.Text, prose(100)))).toThrow(/before the previous one finished/);
    expect((await pending).rsv1).toBe(true);
    expect(compressor.process(createFrame(Opcode.Text, prose(1000))).rsv1).toBe(true);
  });
});
