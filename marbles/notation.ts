/**
 * The value notation of the marble kit: one short string per frame or message,
 * so a marble test reads like the wire.
 *
 * ```text
 * value    = kind flags piece*
 * kind     = T | B | C | P | O | X     frame: text, binary, continuation, ping, pong, close
 *          | t | b                     message: text, binary (its first frame's RSV bits)
 * flags    = ( 1 | 2 | 3 | ~ )*        rsv1, rsv2, rsv3; `~` = fin clear (more fragments follow)
 * piece    = "text"                    UTF-8, escapes \n \r \t \0 \" \\ \xNN \u{N}
 *          | <0a ff 00>                hex bytes, spaces optional
 *          | (1000)                    a close code as two bytes (close frames)
 *          | piece*N                   the piece repeated N times
 * ```
 * Whitespace may separate tokens. `T1"hello"` is a final text frame with RSV1,
 * `B~<01 02>` a binary frame with more to come, `C"!"` the last fragment,
 * `X(1000)"bye"` a close frame, `t2"secret"` a text message with RSV2 and
 * `b"ab"*1024` a 2 KiB binary message.
 */
import { Opcode, type Frame, type Message } from '../src/protocol/index.js';

/** A marble value string that does not follow the notation; says where. */
export class MarbleNotationError extends Error {
  readonly position: number;
  constructor(text: string, position: number, problem: string) {
    super(`${problem} at index ${position} of marble value\n  ${text}\n  ${' '.repeat(position)}^`);
    this.name = 'MarbleNotationError';
    this.position = position;
  }
}

const FRAME_KINDS: Record<string, Opcode> = {
  T: Opcode.Text,
  B: Opcode.Binary,
  C: Opcode.Continuation,
  P: Opcode.Ping,
  O: Opcode.Pong,
  X: Opcode.Close,
};
const MESSAGE_KINDS: Record<string, typeof Opcode.Text | typeof Opcode.Binary> = { t: Opcode.Text, b: Opcode.Binary };

const encoder = new TextEncoder();
const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '0': '\0', '"': '"', '\\': '\\' };

/** Parses one value written in the notation into a `Frame` or a `Message`. */
export function parseValue(text: string): Frame | Message {
  return new ValueParser(text).parse();
}

/** Parses a frame, e.g. `frame('T1~"hel"')` or frame`C"lo"`. */
export function frame(text: string | TemplateStringsArray, ...args: unknown[]): Frame {
  const value = parseValue(joinTemplate(text, args));
  if (!isFrame(value)) throw new TypeError(`expected a frame (T B C P O X), got a message: ${String(text)}`);
  return value;
}

/** Parses a message, e.g. `message('t"hello"')` or message`b<01 02>`. */
export function message(text: string | TemplateStringsArray, ...args: unknown[]): Message {
  const value = parseValue(joinTemplate(text, args));
  if (isFrame(value)) throw new TypeError(`expected a message (t b), got a frame: ${String(text)}`);
  return value;
}

export function isFrame(value: unknown): value is Frame {
  return typeof value === 'object' && value !== null && (value as Frame).payload instanceof Uint8Array;
}

export function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && (value as Message).data instanceof Uint8Array;
}

function joinTemplate(text: string | TemplateStringsArray, args: unknown[]): string {
  if (typeof text === 'string') return text;
  return text.reduce((out, part, i) => out + part + (i < args.length ? String(args[i]) : ''), '');
}

/** A small recursive-descent reader over one value string. */
class ValueParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parse(): Frame | Message {
    this.skipSpace();
    const kind = this.text[this.pos];
    if (kind === undefined) this.fail('empty value: expected one of T B C P O X t b');
    const frameOpcode = FRAME_KINDS[kind];
    const messageOpcode = MESSAGE_KINDS[kind];
    if (frameOpcode === undefined && messageOpcode === undefined) {
      this.fail(`unknown kind ${JSON.stringify(kind)}: expected one of T B C P O X (frames) or t b (messages)`);
    }
    this.pos++;
    const flags = { fin: true, rsv1: false, rsv2: false, rsv3: false };
    for (;;) {
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === '1' || c === '2' || c === '3') {
        const key = `rsv${c}` as 'rsv1' | 'rsv2' | 'rsv3';
        if (flags[key]) this.fail(`RSV flag ${c} given twice`);
        flags[key] = true;
      } else if (c === '~') {
        if (messageOpcode !== undefined) this.fail('`~` (fin clear) applies to frames only; messages are whole');
        if (!flags.fin) this.fail('`~` given twice');
        flags.fin = false;
      } else break;
      this.pos++;
    }
    const bytes: number[] = [];
    for (this.skipSpace(); this.pos < this.text.length; this.skipSpace()) {
      const piece = this.piece(frameOpcode === Opcode.Close);
      const times = this.repetition();
      for (let i = 0; i < times; i++) for (const b of piece) bytes.push(b);
    }
    const payload = Uint8Array.from(bytes);
    if (messageOpcode !== undefined) {
      return { opcode: messageOpcode, rsv1: flags.rsv1, rsv2: flags.rsv2, rsv3: flags.rsv3, data: payload };
    }
    return { ...flags, opcode: frameOpcode!, payload };
  }

  private piece(isClose: boolean): Uint8Array {
    const c = this.text[this.pos];
    if (c === '"') return this.quoted();
    if (c === '<') return this.hex();
    if (c === '(') {
      if (!isClose) this.fail('a close code `(N)` belongs to close frames (X) only');
      return this.closeCode();
    }
    return this.fail(`unexpected ${JSON.stringify(c)}: expected "text", <hex> or (code)`);
  }

  private quoted(): Uint8Array {
    const start = this.pos++;
    // Text is UTF-8 encoded segment by segment; `\xNN` inserts one raw byte
    // between segments, so invalid UTF-8 can be written on purpose.
    const bytes: number[] = [];
    let segment = '';
    const flush = (): void => {
      for (const b of encoder.encode(segment)) bytes.push(b);
      segment = '';
    };
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) this.fail('unterminated string', start);
      this.pos++;
      if (c === '"') {
        flush();
        return Uint8Array.from(bytes);
      }
      if (c !== '\\') {
        segment += c;
        continue;
      }
      const e = this.text[this.pos++];
      if (e !== undefined && e in SIMPLE_ESCAPES) segment += SIMPLE_ESCAPES[e];
      else if (e === 'x') {
        const hex = this.text.slice(this.pos, this.pos + 2);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) this.fail('\\x needs two hex digits', this.pos - 2);
        this.pos += 2;
        flush();
        bytes.push(Number.parseInt(hex, 16));
      } else if (e === 'u' && this.text[this.pos] === '{') {
        const close = this.text.indexOf('}', this.pos);
        const code = close < 0 ? NaN : Number.parseInt(this.text.slice(this.pos + 1, close), 16);
        if (!Number.isInteger(code) || code > 0x10ffff) this.fail('bad \\u{…} escape', this.pos - 2);
        segment += String.fromCodePoint(code);
        this.pos = close + 1;
      } else this.fail(`unknown escape \\${e ?? ''}`, this.pos - 2);
    }
  }

  private hex(): Uint8Array {
    const start = this.pos++;
    const close = this.text.indexOf('>', this.pos);
    if (close < 0) this.fail('unterminated <hex>', start);
    const digits = this.text.slice(this.pos, close).replace(/[\s_]/g, '');
    if (!/^([0-9a-fA-F]{2})*$/.test(digits)) this.fail('hex bytes must be pairs of hex digits', start);
    this.pos = close + 1;
    return Uint8Array.from(digits.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
  }

  private closeCode(): Uint8Array {
    const match = /^\((\d{1,5})\)/.exec(this.text.slice(this.pos));
    const code = match ? Number(match[1]) : NaN;
    if (!match || code > 0xffff) this.fail('close code must be (N) with 0 ≤ N ≤ 65535');
    this.pos += match![0].length;
    return Uint8Array.of(code >> 8, code & 0xff);
  }

  private repetition(): number {
    this.skipSpace();
    if (this.text[this.pos] !== '*') return 1;
    const match = /^\*\s*(\d+)/.exec(this.text.slice(this.pos));
    if (!match) this.fail('`*` must be followed by a repeat count');
    this.pos += match![0].length;
    return Number(match![1]);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private fail(problem: string, at = this.pos): never {
    throw new MarbleNotationError(this.text, at, problem);
  }
}
