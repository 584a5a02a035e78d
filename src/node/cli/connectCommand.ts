/**
 * `wsx connect <url>`: an interactive client in the spirit of wscat. Lines
 * typed (or piped) on stdin are sent as text messages; messages received are
 * printed. When stdin ends, or on SIGINT, the connection is closed and the
 * compression statistics printed.
 */
import { createInterface } from 'node:readline';
import { connect } from '../connect.js';
import type { CloseInfo } from '../connection/webSocketConnection.js';
import { describeMessage, escapeControl, formatStats } from './format.js';

export interface ConnectCommandOptions {
  readonly url: string;
  readonly compression: boolean;
  readonly protocols: readonly string[];
  readonly input: NodeJS.ReadableStream;
  readonly log: (line: string) => void;
}

/** Resolves with how the connection ended (the exit code is 0 for a clean close). */
export async function connectCommand(options: ConnectCommandOptions): Promise<CloseInfo> {
  const connection = connect(options.url, {
    compression: options.compression ? 'deflate' : null,
    protocols: options.protocols,
  });
  const { extensions, protocol } = await connection.opened;
  options.log(`connected to ${options.url}`);
  options.log(`extensions: ${extensions || '(none)'}${protocol ? `; subprotocol: ${protocol}` : ''}`);

  const lines = createInterface({ input: options.input, terminal: false });
  lines.on('line', (line) => {
    if (connection.readyState === 'open') connection.send(line).catch(() => undefined);
  });
  lines.on('close', () => {
    if (connection.readyState === 'open') connection.close({ closeCode: 1000 });
  });
  const interrupt = (): void => {
    if (connection.readyState === 'open') connection.close({ closeCode: 1000 });
  };
  process.once('SIGINT', interrupt);

  const printing = (async () => {
    try {
      for await (const message of connection) options.log(`< ${describeMessage(message)}`);
    } catch {
      // failure details come from `closed`
    }
  })();
  const info = await connection.closed;
  await printing;
  lines.close();
  process.off('SIGINT', interrupt);
  options.log(`closed ${info.closeCode}${info.reason ? ` "${escapeControl(info.reason)}"` : ''}`);
  options.log(formatStats(connection.stats));
  return info;
}
