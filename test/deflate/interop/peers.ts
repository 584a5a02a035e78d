// Thin promise wrappers over the real peer libraries used by the interop tests:
// ws's PerMessageDeflate class and faye's permessage-deflate via websocket-extensions.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
// ws exports only its WebSocket classes; the extension lives in lib/ (its package "exports" hides it).
const wsLib = join(dirname(require.resolve('ws/package.json')), 'lib');

export interface WsPerMessageDeflate {
  offer(): Record<string, unknown>;
  accept(configurations: Record<string, unknown[]>[]): Record<string, unknown>;
  compress(data: Buffer, fin: boolean, callback: (error: Error | null, result?: Buffer) => void): void;
  decompress(data: Buffer, fin: boolean, callback: (error: Error | null, result?: Buffer) => void): void;
  cleanup(): void;
}

export const WsPerMessageDeflate = require(join(wsLib, 'permessage-deflate.js')) as new (options: Record<string, unknown>) => WsPerMessageDeflate;
export const wsExtension = require(join(wsLib, 'extension.js')) as {
  parse(header: string): Record<string, Record<string, unknown[]>[]>;
  format(extensions: Record<string, unknown>): string;
};

export function wsCompress(pmd: WsPerMessageDeflate, data: Uint8Array, fin: boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => pmd.compress(Buffer.from(data), fin, (e, r) => (e ? reject(e) : resolve(r!))));
}

export function wsDecompress(pmd: WsPerMessageDeflate, data: Uint8Array, fin: boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => pmd.decompress(Buffer.from(data), fin, (e, r) => (e ? reject(e) : resolve(r!))));
}

export interface FayeMessage {
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  data: Buffer;
}

export interface FayeExtensions {
  add(extension: unknown): void;
  generateOffer(): string;
  activate(header: string): void;
  generateResponse(header: string): string;
  processIncomingMessage(message: FayeMessage, callback: (error: Error | null, message: FayeMessage) => void): void;
  processOutgoingMessage(message: FayeMessage, callback: (error: Error | null, message: FayeMessage) => void): void;
  close(callback: () => void): void;
}

const FayeExtensionsClass = require('websocket-extensions') as new () => FayeExtensions;
const fayeDeflate = require('permessage-deflate') as { configure(options: Record<string, unknown>): unknown };

export function fayeExtensions(options: Record<string, unknown>): FayeExtensions {
  const extensions = new FayeExtensionsClass();
  extensions.add(fayeDeflate.configure(options));
  return extensions;
}

export function fayeIncoming(extensions: FayeExtensions, message: FayeMessage): Promise<FayeMessage> {
  return new Promise((resolve, reject) => extensions.processIncomingMessage(message, (e, m) => (e ? reject(e) : resolve(m))));
}

export function fayeOutgoing(extensions: FayeExtensions, message: FayeMessage): Promise<FayeMessage> {
  return new Promise((resolve, reject) => extensions.processOutgoingMessage(message, (e, m) => (e ? reject(e) : resolve(m))));
}
