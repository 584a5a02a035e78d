// deflate()/inflate() as Rx operators: same codec, one per subscription.
import { describe, expect, it } from 'vitest';
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { deflate, inflate } from '../../src/operators/index.js';
import { InvalidDataError } from '../../src/protocol/errors.js';
import { createFrame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { backends, fromHex, hex, prose } from './backends.js';

describe.each(backends)('Rx deflate()/inflate() on %s', (_name, backend) => {
  it('round-trips small and sliced frames in order', async () => {
    const frames = [prose(3000, 1), prose(3000, 1), prose(300_000, 2), prose(50, 3)].map((p) => createFrame(Opcode.Text, p));
    const wire = await lastValueFrom(from(frames).pipe(deflate({ backend, sliceBudgetMs: 0 }), toArray()));
    expect(wire.map((f) => f.rsv1)).toEqual([true, true, true, true]);
    expect(wire[1]!.payload.length).toBeLessThan(wire[0]!.payload.length / 5);
    const back = await lastValueFrom(from(wire).pipe(inflate({ backend, sliceBudgetMs: 0 }), toArray()));
    expect(back.map((f) => hex(f.payload))).toEqual(frames.map((f) => hex(f.payload)));
  });

  it('gives each subscription its own context', async () => {
    const op = from([createFrame(Opcode.Text, prose(3000, 1))]).pipe(deflate({ backend }));
    const a = await firstValueFrom(op);
    const b = await firstValueFrom(op);
    expect(hex(a.payload)).toBe(hex(b.payload));
  });

  it('errors with the typed error', async () => {
    const wire = from([createFrame(Opcode.Binary, fromHex('ffff'), { rsv1: true })]);
    await expect(lastValueFrom(wire.pipe(inflate({ backend })))).rejects.toBeInstanceOf(InvalidDataError);
  });
});
