// permessage-deflate (RFC 7692): negotiation, codec, backends, stream factories.
export { PERMESSAGE_DEFLATE, parseDeflateParams, formatDeflateParams, isWindowBits, NO_DEFLATE_PARAMS } from './params.js';
export type { DeflateParams, WindowBits } from './params.js';
export { answerOffer, checkResponse } from './negotiate.js';
export type { Agreement, ServerNegotiationConfig } from './negotiate.js';
export {
  ClientPerMessageDeflateFactory,
  ServerPerMessageDeflateFactory,
  enableClientPermessageDeflate,
  enableServerPermessageDeflate,
} from './factories.js';
export type { ClientPerMessageDeflateOptions, ServerPerMessageDeflateOptions } from './factories.js';
export { PerMessageDeflateSession } from './session.js';
export type { CodecOptions, PerMessageDeflateSessionInit } from './session.js';
export { PerMessageCompressor, DEFAULT_THRESHOLD } from './compressor.js';
export type { CompressorOptions } from './compressor.js';
export { PerMessageDecompressor } from './decompressor.js';
export type { DecompressorOptions } from './decompressor.js';
export { DEFAULT_COMPRESS_SETTINGS } from './compressSettings.js';
export type { CompressSettings } from './compressSettings.js';
export { Strategy } from './backend.js';
export type { ZlibBackend, Deflater, Inflater, DeflaterOptions, InflaterOptions } from './backend.js';
export { pakoBackend } from './pakoBackend.js';
export { defaultBackend } from './defaultBackend.js';
export { sendUncompressed, isMarkedUncompressed } from './uncompressed.js';
export { drive, yieldToEventLoop, DEFAULT_SLICE_BUDGET_MS } from './drive.js';
export { deflate, inflate } from './streams.js';
export type { SliceOptions } from './streams.js';
