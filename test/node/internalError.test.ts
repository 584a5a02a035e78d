// An unexpected exception inside the connection fails it (1011; 1010 when an
// extension stage threw). The peer learns only that; the exception's text
// stays local, in `closed.error`.
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/node/connect.js';
import type { WebSocketConnection } from '../../src/node/connection/webSocketConnection.js';
import type { ServerExtensionFactory, ClientExtensionFactory, ExtensionSession } from '../../src/protocol/extension.js';
import type { Frame } from '../../src/protocol/frame.js';
import { safeClosePayload } from '../../src/node/connection/closeReason.js';
import { decodeClosePayload } from '../../src/protocol/closePayload.js';
import { PayloadTooBigError, WebSocketError } from '../../src/protocol/errors.js';
import { startServer } from './helpers.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function extension(incoming: (frame: Frame) => Frame) {
  const pass = { kind: 'frame' as const, process: (frame: Frame) => frame };
  const session = (stage: (frame: Frame) => Frame): ExtensionSession =>
    ({ name: 'x-leaky', params: [], rsv: {}, outgoing: pass, incoming: { kind: 'frame', process: stage }, close() {} }) as unknown as ExtensionSession;
  return {
    server: { name: 'x-leaky', respond: () => ({ params: [], session: session(incoming) }) } as unknown as ServerExtensionFactory,
    client: { name: 'x-leaky', offer: () => [[]], accept: () => session((frame) => frame) } as unknown as ClientExtensionFactory,
  };
}

describe('internal errors', () => {
  it('a plain Error is sent as a bare "internal error" (1011)', () => {
    const error = new WebSocketError('internal error: cannot open /srv/secret.key', 1011, { cause: new Error('cannot open /srv/secret.key') });
    expect(decodeClosePayload(safeClosePayload(error))).toEqual({ code: 1011, reason: 'internal error' });
    // Our own typed errors keep their reason.
    expect(decodeClosePayload(safeClosePayload(new PayloadTooBigError('message over 1024 bytes', 1024)))).toEqual({ code: 1009, reason: 'message over 1024 bytes' });
  });

  it('a throwing extension stage reaches the peer with a bare reason; the details stay in closed.error', async () => {
    const leaky = extension(() => {
      throw new Error('database password is hunter2');
    });
    let serverSide: WebSocketConnection | undefined;
    const server = await startServer((c) => void (serverSide = c), { compression: null, extensions: [leaky.server], pingInterval: 0 });
    cleanup.push(() => server.close());
    const client = connect(server.url, { compression: null, extensions: [leaky.client], pingInterval: 0 });
    await client.opened;
    await client.send('trigger');
    const seen = await client.closed;
    // 1010 or 1011 depending on how the pipeline classifies a stage's exception; either way no details.
    expect({ code: seen.closeCode, reason: seen.reason }).toEqual(
      seen.closeCode === 1010 ? { code: 1010, reason: 'extension failed' } : { code: 1011, reason: 'internal error' },
    );
    const local = await serverSide!.closed;
    expect(local.closeCode).toBe(seen.closeCode);
    expect(local.error?.message).toContain('hunter2');
  });
});
