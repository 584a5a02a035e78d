/**
 * Header helpers for the upgrade handshake. Node joins repeated headers with
 * ", " (and hands `set-cookie`-like ones as arrays), so every list-valued
 * header is read as a comma-separated token list, compared case-insensitively
 * where RFC 7230 says tokens are case-insensitive.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** One header's value as a single string (arrays joined the way HTTP lists join). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The comma-separated elements of a header, trimmed, empty ones dropped. */
export function headerList(headers: IncomingHttpHeaders, name: string): string[] {
  const value = headerValue(headers, name);
  if (value === undefined) return [];
  const items: string[] = [];
  for (const part of value.split(',')) {
    const item = part.trim();
    if (item !== '') items.push(item);
  }
  return items;
}

/** Whether a token-list header (Connection, Upgrade) contains `token`, ignoring case. */
export function hasToken(headers: IncomingHttpHeaders, name: string, token: string): boolean {
  const wanted = token.toLowerCase();
  return headerList(headers, name).some((item) => item.toLowerCase() === wanted);
}

// RFC 7230 token characters: subprotocol names must be tokens (RFC 6455 §4.1).
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function isToken(value: string): boolean {
  return TOKEN.test(value);
}
