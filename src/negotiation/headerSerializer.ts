import type { ExtensionHeaderItem } from '../protocol/extension.js';
import { InvalidParameterName, InvalidParameterValue, NegotiationError } from '../protocol/errors.js';
import { isQuotedPairChar, isToken } from './token.js';

/**
 * Serializes extension items into a `Sec-WebSocket-Extensions` value, in the
 * canonical form `name; param; param=value, other` that
 * `parseExtensionHeader` reads back unchanged.
 *
 * Values that are tokens are written bare; any other value is written as a
 * quoted-string with `"` and `\` escaped. (RFC 6455 §9.1 requires a quoted
 * value to unescape to a token, so a strict peer, including our own parser,
 * refuses such a header; quoting keeps the header well-formed HTTP for lenient
 * peers.) Names must be tokens, and values holding characters that cannot
 * appear in an HTTP field at all (CR, LF, NUL, other controls, > U+00FF) are
 * refused, so no caller can inject header lines.
 *
 * @throws NegotiationError / InvalidParameterName / InvalidParameterValue
 *
 * @example
 * ```ts
 * serializeExtensionHeader([{ name: 'permessage-deflate', params: [['client_max_window_bits', true]] }]);
 * // 'permessage-deflate; client_max_window_bits'
 * ```
 */
export function serializeExtensionHeader(items: readonly ExtensionHeaderItem[]): string {
  return items.map(serializeItem).join(', ');
}

function serializeItem(item: ExtensionHeaderItem): string {
  if (!isToken(item.name)) throw new NegotiationError(`extension name ${JSON.stringify(item.name)} is not a token`);
  let out = item.name;
  for (const [name, value] of item.params) {
    if (!isToken(name)) throw new InvalidParameterName(name, item.name);
    if (value === true) out += `; ${name}`;
    else out += `; ${name}=${serializeValue(value, name, item.name)}`;
  }
  return out;
}

function serializeValue(value: string, param: string, extension: string): string {
  if (isToken(value)) return value;
  let quoted = '"';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (!isQuotedPairChar(code)) {
      throw new InvalidParameterValue(param, value, extension, 'contains a character not allowed in an HTTP header');
    }
    quoted += code === 0x22 || code === 0x5c ? `\\${value[i]}` : value[i];
  }
  return `${quoted}"`;
}
