/**
 * Plain-text formatting for the CLI: byte sizes, rates and aligned tables.
 * Kept free of colour codes so output stays readable when piped or logged.
 */
import type { ConnectionStats } from '../connection/connectionDriver.js';

/** 1536 → '1.5 KiB'. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** 12345.6 → '12,346'. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Right-aligns every column but the first; returns the lines joined. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** One line of traffic figures: payload bytes vs bytes on the wire, per direction. */
export function formatStats(stats: ConnectionStats): string {
  const ratio = (payload: number, wire: number): string => (wire > 0 && payload > 0 ? ` (${(payload / wire).toFixed(2)}x)` : '');
  return (
    `in: ${formatCount(stats.messagesReceived)} msgs, ${formatBytes(stats.bytesReceived)} payload, ` +
    `${formatBytes(stats.wireBytesReceived)} on the wire${ratio(stats.bytesReceived, stats.wireBytesReceived)}; ` +
    `out: ${formatCount(stats.messagesSent)} msgs, ${formatBytes(stats.bytesSent)} payload, ` +
    `${formatBytes(stats.wireBytesSent)} on the wire${ratio(stats.bytesSent, stats.wireBytesSent)}`
  );
}

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text from a peer made safe to print: C0, DEL and C1 control characters
 * (which could move the cursor, retitle or clear the terminal) are shown as
 * escapes. Backslashes stay as they are, so JSON reads naturally.
 *
 * @example
 * escapeControl('\x1b[2Jhi'); // '\\x1b[2Jhi'
 */
export function escapeControl(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** How a message is shown: text escaped (see `escapeControl`), binary as length plus a hex preview. */
export function describeMessage(message: string | Uint8Array): string {
  if (typeof message === 'string') return escapeControl(message);
  const preview = Buffer.from(message.subarray(0, 16)).toString('hex').replace(/(..)/g, '$1 ').trim();
  return `<binary ${message.byteLength} bytes: ${preview}${message.byteLength > 16 ? ' …' : ''}>`;
}
