// wsx/node: the Node WebSocket client and server.
export { connect, type ConnectOptions } from './connect.js';
export { serve, type ServeOptions, type ConnectionHandler, type WebSocketServer, type OriginCheck } from './serve.js';
export { WebSocketConnection, type OpenInfo, type CloseInfo } from './connection/webSocketConnection.js';
export type { ConnectionStats } from './connection/connectionDriver.js';
export type { ConnectionOptions } from './connection/options.js';
export { DEFAULT_MAX_SIZE } from './connection/options.js';
export type { WebSocketData, SendableData } from './connection/messages.js';
export type { Compression } from './extensionOptions.js';
export type { SubprotocolSelector } from './handshake/serverHandshake.js';
export { computeAccept, generateKey, WEBSOCKET_GUID } from './handshake/key.js';
