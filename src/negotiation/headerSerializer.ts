import type { ExtensionHeaderItem } from '../protocol/extension.js';
import { InvalidParameterName, InvalidParameterValue, NegotiationError } from '../protocol/errors.js';
import { isToken } from './token.js';

/**
 * Serializes extension items into a `Sec-WebSocket-Extensions` value, in the
 * canonical form `name; param; param=value, other` that
 * `parseExtensionHeader` reads back unchanged.
 *
 * Names and values must be tokens and are written bare. RFC 6455 §9.1 allows
 * a quoted value only when it unescapes to a token, so quoting never makes a
 * value sendable: anything else would be refused by a strict peer (our own
 * `ServerNegotiator` answers 400), so it is refused here, before it is sent.
 * Tokens cannot hold CR, LF or separators, so no caller can inject header
 * lines either.
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
  if (!isToken(value)) throw new InvalidParameterValue(param, value, extension, 'not a token (RFC 6455 §9.1)');
  return value;
}
