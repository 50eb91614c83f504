import { createServer, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres.js';
import { StoreUnavailableError } from '../../src/store/store.js';
import { delivery } from './store.contract.js';
import { dropSchema, ensurePostgres, TEST_DATABASE_URL, uniqueSchemaName } from '../support/postgres.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const schema = uniqueSchemaName('unavailable');

function storeOnPort(port: number): PostgresStore {
  const url = new URL(TEST_DATABASE_URL);
  url.port = String(port);
  return new PostgresStore({ connectionString: url.toString(), schema, poolSize: 2, statementTimeoutMs: 2_000 });
}

async function portNobodyListensOn(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('PostgresStore when the database is unreachable', () => {
  let proxy: TcpProxy;
  let store: PostgresStore;

  beforeAll(ensurePostgres);
  beforeEach(async () => {
    proxy = await startTcpProxy(Number(new URL(TEST_DATABASE_URL).port || 5432));
    store = storeOnPort(proxy.port);
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
    await proxy.close();
  });
  afterAll(() => dropSchema(schema));

  it('rejects intake and ping with StoreUnavailableError while the connection is cut', async () => {
    await store.enqueue(delivery('before'));
    proxy.cut();
    await expect(store.enqueue(delivery('during'))).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.claim(1, 'w', 1_000)).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('recovers by itself once the database is back, keeping what was stored before', async () => {
    await store.enqueue(delivery('before'));
    proxy.cut();
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    proxy.restore();
    await store.ping();
    expect(await store.enqueue(delivery('after'))).toBe('stored');
    expect((await store.listInbox('queued', 10)).map((row) => row.id)).toEqual(['before', 'after']);
  });

  it('reports a server that refuses connections as unavailable', async () => {
    const closedPort = await portNobodyListensOn();
    const refused = storeOnPort(closedPort);
    await expect(refused.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await refused.close();
  });
});
