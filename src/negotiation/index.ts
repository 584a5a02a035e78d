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
export {
  fromPythonStyleClientFactory,
  fromPythonStyleServerFactory,
  toPythonParams,
  toWsxParams,
  type PythonStyleParams,
  type PythonStyleFrame,
  type PythonStyleExtension,
  type PythonStyleClientExtensionFactory,
  type PythonStyleServerExtensionFactory,
  type PythonStyleAdapterOptions,
  type AcceptedExtension,
} from './adapters/pythonStyle.js';
export { fayeClientFactory, fayeServerFactory, fromFayePlugin, type FayeAdapterOptions } from './adapters/fromFayePlugin.js';
export { toFayePlugin, type ToFayePluginOptions } from './adapters/toFayePlugin.js';
export {
  toFayeParams,
  fromFayeParams,
  type FayePlugin,
  type FayeSession,
  type FayeClientSession,
  type FayeServerSession,
  type FayeMessage,
  type FayeParams,
  type FayeParamValue,
  type FayeCallback,
  type FayeSessionOptions,
} from './adapters/fayeModel.js';
