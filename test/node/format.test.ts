// What the CLI prints from a peer (messages, close reasons) must not be able
// to drive the terminal: control characters are shown escaped.
import { describe, expect, it } from 'vitest';
import { describeMessage, escapeControl } from '../../src/node/cli/format.js';

describe('CLI output of peer text', () => {
  it('escapes C0, DEL and C1 control characters and keeps everything else', () => {
    expect(escapeControl('\x1b]0;pwned\x07\x1b[2J')).toBe('\\x1b]0;pwned\\x07\\x1b[2J');
    expect(escapeControl('a\rb\nc\x7f\u009b')).toBe('a\\rb\\nc\\x7f\\x9b');
    expect(escapeControl('ünïcödé ✓ tab\there')).toBe('ünïcödé ✓ tab\\there');
    expect(escapeControl('{"a":"\\"q\\""}')).toBe('{"a":"\\"q\\""}'); // JSON stays readable
  });

  it('describeMessage shows text escaped and binary as hex', () => {
    expect(describeMessage('\x1b[31mred')).toBe('\\x1b[31mred');
    expect(describeMessage(new Uint8Array([0x1b, 0x5b]))).toBe('<binary 2 bytes: 1b 5b>');
  });
});
