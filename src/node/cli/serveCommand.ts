/**
 * `wsx serve`: an echo server (or, with --broadcast, a fan-out hub) that
 * reports each connection's negotiated extensions and, on close, how many
 * bytes compression saved. Runs until SIGINT/SIGTERM, then closes every
 * connection with 1001.
 */
import { serve, type WebSocketServer } from '../serve.js';
import type { WebSocketConnection } from '../connection/webSocketConnection.js';
import { formatStats } from './format.js';

export interface ServeCommandOptions {
  readonly port: number;
  readonly host: string;
  readonly compression: boolean;
  readonly broadcast: boolean;
  readonly log: (line: string) => void;
}

export async function serveCommand(options: ServeCommandOptions): Promise<WebSocketServer> {
  let counter = 0;
  const server = await serve(
    async (connection, request) => {
      const id = ++counter;
      const peer = `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? '?'}`;
      options.log(`[#${id}] connected from ${peer}; extensions: ${connection.extensions || '(none)'}`);
      void connection.closed.then(({ closeCode, reason }) => {
        options.log(`[#${id}] closed ${closeCode}${reason ? ` "${reason}"` : ''}; ${formatStats(connection.stats)}`);
      });
      try {
        for await (const message of connection) {
          if (options.broadcast) broadcast(server.connections, message);
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

function broadcast(connections: ReadonlySet<WebSocketConnection>, message: string | Uint8Array): void {
  for (const connection of connections) {
    if (connection.readyState === 'open') connection.send(message).catch(() => undefined);
  }
}
