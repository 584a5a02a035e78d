// The README points newcomers at this script: it must keep running and keep
// showing what it claims (negotiation, compression on the wire, both faces).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('examples/tour', () => {
  it('negotiates, compresses on the wire and keeps order on both faces', () => {
    const script = fileURLToPath(new URL('./tour.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const out = execFileSync(tsx, [script], { encoding: 'utf8', timeout: 30_000 });
    expect(out).toContain('response:   permessage-deflate; server_max_window_bits=12; client_max_window_bits=12');
    const [, json, wire] = /streams: +20 messages, (\d+) B of JSON as (\d+) B on the wire/.exec(out) ?? [];
    expect(Number(wire)).toBeLessThan(Number(json) / 2);
    expect(out).toContain('deflate():  round trip intact');
    expect(out).toContain('operators:  20 frames out, RSV1 set on 20');
    expect(out).toContain('emitted 30, 10, 20');
  });
});
