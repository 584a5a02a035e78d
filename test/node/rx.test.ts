import { firstValueFrom, from, map, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/node/connect.js';
import { toRx } from '../../src/node/rx.js';
import { echo, startServer } from './helpers.js';

describe('wsx/node/rx', () => {
  it('sends an Observable in order and reads echoes as messages$', async () => {
    const server = await startServer(echo);
    const rx = toRx(connect(server.url));
    const echoes = firstValueFrom(rx.messages$.pipe(take(5), toArray()));
    await new Promise<void>((resolve, reject) =>
      rx.sendAll(from([1, 2, 3, 4, 5]).pipe(map((n) => `message ${n}`))).subscribe({ complete: resolve, error: reject }),
    );
    expect(await echoes).toEqual(['message 1', 'message 2', 'message 3', 'message 4', 'message 5']);
    // take(5) unsubscribed: the readable was cancelled, which closes the connection.
    expect(await firstValueFrom(rx.closed$)).toMatchObject({ closeCode: 1000, wasClean: true });
    await server.close();
  });

  it('messages$ completes on a clean close from the peer and is shared', async () => {
    const server = await startServer(async (connection) => {
      await connection.send('only one');
      connection.close({ closeCode: 1000, reason: 'bye' });
    });
    const rx = toRx(connect(server.url));
    const [a, b] = await Promise.all([firstValueFrom(rx.messages$.pipe(toArray())), firstValueFrom(rx.messages$.pipe(toArray()))]);
    expect(a).toEqual(['only one']);
    expect(b).toEqual(['only one']);
    expect(await firstValueFrom(rx.closed$)).toMatchObject({ closeCode: 1000, reason: 'bye' });
    await server.close();
  });
});
