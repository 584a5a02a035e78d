/**
 * Frames, messages and errors back into the notation of `notation.ts`, for
 * failure messages. Short payloads print exactly (and parse back to the same
 * value); long ones print their head, their length and a digest, enough to see
 * *that* and *where* two payloads differ without flooding the terminal.
 */
import { Opcode, WebSocketError, type Frame, type Message } from '../src/protocol/index.js';
import { isFrame, isMessage } from './notation.js';

const FRAME_LETTERS: Record<number, string> = {
  [Opcode.Text]: 'T',
  [Opcode.Binary]: 'B',
  [Opcode.Continuation]: 'C',
  [Opcode.Ping]: 'P',
  [Opcode.Pong]: 'O',
  [Opcode.Close]: 'X',
};
const MESSAGE_LETTERS: Record<number, string> = { [Opcode.Text]: 't', [Opcode.Binary]: 'b' };

/** Payloads up to this many bytes are printed whole. */
const FULL_LIMIT = 64;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Renders any marble value: frames and messages in the notation, errors by class and close code. */
export function formatValue(value: unknown): string {
  if (isFrame(value)) return formatFrame(value);
  if (isMessage(value)) return formatMessage(value);
  if (value instanceof Error) return formatError(value);
  if (value instanceof Uint8Array) return formatBytes(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null && typeof (value as { describe?: unknown }).describe === 'function') {
    return (value as { describe(): string }).describe();
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function formatFrame(frame: Frame): string {
  const letter = FRAME_LETTERS[frame.opcode] ?? `?${frame.opcode}`;
  const flags = rsvFlags(frame) + (frame.fin ? '' : '~');
  if (frame.opcode === Opcode.Close && frame.payload.length >= 2) {
    const code = (frame.payload[0]! << 8) | frame.payload[1]!;
    const reason = frame.payload.subarray(2);
    return `${letter}${flags}(${code})${reason.length > 0 ? formatBytes(reason) : ''}`;
  }
  return `${letter}${flags}${formatBytes(frame.payload)}`;
}

export function formatMessage(message: Message): string {
  const letter = MESSAGE_LETTERS[message.opcode] ?? `?${message.opcode}`;
  return `${letter}${rsvFlags(message)}${formatBytes(message.data)}`;
}

/** `ExtensionError(1011) "message"`: what error matchers compare is shown first. */
export function formatError(error: Error): string {
  const code = error instanceof WebSocketError ? `(${error.closeCode})` : '';
  return `${error.name}${code} ${JSON.stringify(error.message)}`;
}

/** Bytes as `"text"` when they are printable UTF-8, else `<hex>`; long ones abbreviated. */
export function formatBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) return '""';
  const shown = bytes.length > FULL_LIMIT ? bytes.subarray(0, 16) : bytes;
  const text = printableText(bytes.length > FULL_LIMIT ? bytes.subarray(0, FULL_LIMIT) : bytes);
  let body: string;
  if (text !== undefined) {
    body = bytes.length > FULL_LIMIT ? `${quote([...text].slice(0, 16).join(''))}…` : quote(text);
  } else {
    const hex = Array.from(shown, (b) => b.toString(16).padStart(2, '0')).join(' ');
    body = `<${hex}${bytes.length > FULL_LIMIT ? ' …' : ''}>`;
  }
  return bytes.length > FULL_LIMIT ? `${body}[${bytes.length} B #${digest(bytes)}]` : body;
}

function rsvFlags(value: { rsv1: boolean; rsv2: boolean; rsv3: boolean }): string {
  return (value.rsv1 ? '1' : '') + (value.rsv2 ? '2' : '') + (value.rsv3 ? '3' : '');
}

/** The text if `bytes` is valid UTF-8 without control characters other than \n \r \t. */
function printableText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    // A long payload cut at FULL_LIMIT may end inside a character: try a shorter cut.
    if (bytes.length < FULL_LIMIT) return undefined;
    try {
      text = strictUtf8.decode(bytes.subarray(0, FULL_LIMIT - 3));
    } catch {
      return undefined;
    }
  }
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? undefined : text;
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

/** FNV-1a, 32 bits: a stable fingerprint for telling long payloads apart. */
function digest(bytes: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (const b of bytes) hash = Math.imul(hash ^ b, 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}
