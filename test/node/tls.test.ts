// wss: serve() on the caller's own https server, connect() over TLS with the
// test certificate as trusted CA; an untrusted certificate is refused.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { connect } from '../../src/node/connect.js';
import { serve } from '../../src/node/serve.js';
import { echo, take } from './helpers.js';

const cert = readFileSync(new URL('../fixtures/tls/cert.pem', import.meta.url));
const key = readFileSync(new URL('../fixtures/tls/key.pem', import.meta.url));

it('speaks wss: through a user-supplied https server, with compression', async () => {
  const https = createServer({ cert, key });
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  const server = await serve(echo, { server: https });
  const url = `wss://127.0.0.1:${(https.address() as AddressInfo).port}/secure`;

  const client = connect(url, { tls: { ca: cert } });
  const { extensions } = await client.opened;
  expect(extensions).toMatch(/^permessage-deflate/);
  await client.send('over TLS');
  await client.send(new Uint8Array(70_000).fill(7));
  const [text, bytes] = await take(client, 2);
  expect(text).toBe('over TLS');
  expect(bytes).toEqual(new Uint8Array(70_000).fill(7));
  client.close({ closeCode: 1000 });
  expect(await client.closed).toMatchObject({ closeCode: 1000, wasClean: true });

  const untrusted = connect(url); // the self-signed certificate is not in the default CAs
  await expect(untrusted.opened).rejects.toMatchObject({ name: 'ConnectionLostError' });
  expect((await untrusted.closed).closeCode).toBe(1006);

  await server.close();
  expect(https.listening).toBe(true); // a user's server is left running
  await new Promise((resolve) => https.close(resolve));
});
