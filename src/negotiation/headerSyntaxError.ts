import { NegotiationError } from '../protocol/errors.js';

/**
 * A `Sec-WebSocket-Extensions` value that breaks the RFC 6455 §9.1 grammar.
 * `index` is the offset of the offending character in the header line
 * (`line` says which line when several were given), so a log shows exactly
 * where a peer went wrong. A server answers it with HTTP 400; a client fails
 * the connection with 1010 (both inherited from `NegotiationError`).
 *
 * @example
 * ```ts
 * try { parseExtensionHeader('a; =1'); }
 * catch (e) { if (e instanceof ExtensionHeaderSyntaxError) console.log(e.index); } // 3
 * ```
 */
export class ExtensionHeaderSyntaxError extends NegotiationError {
  /** Offset of the offending character within its header line. */
  readonly index: number;
  /** Which header line (0-based) when the header was given as several lines. */
  readonly line: number;
  /** The header line that failed to parse. */
  readonly header: string;

  constructor(problem: string, header: string, index: number, line = 0, lineCount = 1) {
    super(
      `invalid Sec-WebSocket-Extensions header: ${problem} at index ${index}` +
        (lineCount > 1 ? ` of line ${line}` : '') +
        `: ${excerpt(header, index)}`,
    );
    this.index = index;
    this.line = line;
    this.header = header;
  }
}

/** A short window around the error, so huge hostile headers do not flood logs. */
function excerpt(header: string, index: number): string {
  const start = Math.max(0, index - 20);
  const end = Math.min(header.length, index + 20);
  return JSON.stringify((start > 0 ? '…' : '') + header.slice(start, end) + (end < header.length ? '…' : ''));
}
