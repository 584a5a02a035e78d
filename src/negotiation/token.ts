/**
 * RFC 7230 §3.2.6 character classes, as lookup tables so the header scanner
 * stays a single linear pass with no regular expressions (faye's regex parser
 * was vulnerable to catastrophic backtracking, CVE-2020-7662).
 *
 *   token = 1*tchar
 *   tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
 *           "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
 */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TCHAR[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) {
  TCHAR[c] = 1;
  TCHAR[c + 0x20] = 1;
}

/** True when the UTF-16 code unit `code` may appear in a token. */
export function isTokenChar(code: number): boolean {
  return code < 128 && TCHAR[code] === 1;
}

/** True when `value` is a non-empty RFC 7230 token. */
export function isToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    if (!isTokenChar(value.charCodeAt(i))) return false;
  }
  return true;
}

/**
 * qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text (%x80-FF).
 * The characters that may stand unescaped inside a quoted-string.
 */
export function isQdtext(code: number): boolean {
  return (
    code === 0x09 ||
    code === 0x20 ||
    code === 0x21 ||
    (code >= 0x23 && code <= 0x5b) ||
    (code >= 0x5d && code <= 0x7e) ||
    (code >= 0x80 && code <= 0xff)
  );
}

/** quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text ): what may follow a backslash. */
export function isQuotedPairChar(code: number): boolean {
  return code === 0x09 || (code >= 0x20 && code <= 0x7e) || (code >= 0x80 && code <= 0xff);
}

/** OWS = *( SP / HTAB ). */
export function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}
