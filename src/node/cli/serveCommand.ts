/**
 * `wsx serve`: an echo server (or, with --broadcast, a fan-out hub) that
 * reports each connection's negotiated extensions and, on close, how many
 * bytes compression saved. Runs until SIGINT/SIGTERM, then closes every
 * connection with 1001.
 */
import { serve, type WebSocketServer } from '../serve.js';
import type { WebSocketConnection } from '../connection/webSocketConnection.js';
import { escapeControl, formatStats } from './format.js';

export interface ServeCommandOptions {
  readonly port: number;
  readonly host: string;
  readonly compression: boolean;
  readonly broadcast: boolean;
  readonly log: (line: string) => void;
}

export async function serveCommand(options: ServeCommandOptions): Promise<WebSocketServer> {
  let counter = 0;
  const skipped = new WeakMap<WebSocketConnection, number>();
  const onSkip = (connection: WebSocketConnection): void => void skipped.set(connection, (skipped.get(connection) ?? 0) + 1);
  const server = await serve(
    async (connection, request) => {
      const id = ++counter;
      const peer = `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? '?'}`;
      options.log(`[#${id}] connected from ${peer}; extensions: ${connection.extensions || '(none)'}`);
      void connection.closed.then(({ closeCode, reason }) => {
        const missed = skipped.get(connection);
        options.log(
          `[#${id}] closed ${closeCode}${reason ? ` "${escapeControl(reason)}"` : ''}; ${formatStats(connection.stats)}` +
            (missed ? `; ${missed} broadcast messages skipped (slow reader)` : ''),
        );
      });
      try {
        for await (const message of connection) {
          if (options.broadcast) broadcast(server.connections, message, onSkip);
          else await connection.send(message);
        }
      } catch {
        // the connection failed; `closed` reports why
      }
    },
    { port: options.port, host: options.host, compression: options.compression ? 'deflate' : null },
  );
  const address = server.address();
  const where = typeof address === 'string' ? address : `ws://${options.host}:${address?.port ?? options.port}`;
  options.log(`wsx ${options.broadcast ? 'broadcast' : 'echo'} server listening on ${where} (compression ${options.compression ? 'on' : 'off'})`);
  return server;
}

// Sends to one connection still waiting for backpressure before it is skipped.
const MAX_PENDING_SENDS = 16;
const pending = new WeakMap<WebSocketConnection, number>();

/**
 * Sends to every open connection. A hub cannot wait for its slowest reader
 * (everyone would stall) nor queue for it without limit (memory): a
 * connection with too many sends in flight misses messages until it catches up.
 */
function broadcast(connections: ReadonlySet<WebSocketConnection>, message: string | Uint8Array, onSkip: (c: WebSocketConnection) => void): void {
  for (const connection of connections) {
    if (connection.readyState !== 'open') continue;
    const inFlight = pending.get(connection) ?? 0;
    if (inFlight >= MAX_PENDING_SENDS) {
      onSkip(connection);
      continue;
    }
    pending.set(connection, inFlight + 1);
    const settle = (): void => void pending.set(connection, (pending.get(connection) ?? 1) - 1);
    connection.send(message).then(settle, settle);
  }
}
