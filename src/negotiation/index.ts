// wsx/negotiation: the Sec-WebSocket-Extensions grammar, the client and server
// negotiators, RSV-bit bookkeeping and adapters for other extension models.
export { parseExtensionHeader } from './headerParser.js';
export { serializeExtensionHeader } from './headerSerializer.js';
export { ExtensionHeaderSyntaxError } from './headerSyntaxError.js';
export { isToken } from './token.js';
export { ClientNegotiator } from './clientNegotiator.js';
export { ServerNegotiator } from './serverNegotiator.js';
export {
  negotiatedExtensions,
  NO_EXTENSIONS,
  closeSessions,
  abandonSessions,
  type NegotiatedExtensions,
} from './negotiatedExtensions.js';
export { unionRsv, sharedRsvBit, findRsvConflict, RSV_BIT_NAMES, type RsvBit } from './rsvBits.js';
