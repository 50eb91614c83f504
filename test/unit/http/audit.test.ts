import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src/domain/types.js';
import { auditRoutes } from '../../../src/http/audit.js';
import { SqliteStore } from '../../../src/store/sqlite.js';

const entry = (iid: number, forge: 'gitlab' | 'github'): AuditEntry => ({
  at: '2024-05-01T12:00:00.000Z',
  deliveryId: `d${iid}`,
  forge,
  project: forge === 'gitlab' ? '42' : 'acme/services',
  iid,
  action: 'labels',
  detail: { add: ['stage::triage'], remove: [] },
  result: 'planned',
  apiCalls: 0,
  latencyMs: 0,
});

const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

async function appWith(metricsToken?: string) {
  const store = new SqliteStore({ path: ':memory:' });
  stores.push(store);
  await store.migrate();
  await store.recordAudit([entry(1, 'gitlab'), entry(2, 'github'), entry(3, 'gitlab')]);
  const app = Fastify();
  await app.register(auditRoutes, { store, config: { metricsToken } });
  return app;
}

describe('GET /audit', () => {
  it('lists entries newest first, filtered by forge', async () => {
    const app = await appWith();
    const response = await app.inject({ url: '/audit?forge=gitlab' });
    expect(response.statusCode).toBe(200);
    expect((response.json() as { entries: AuditEntry[] }).entries.map((e) => e.iid)).toEqual([3, 1]);
  });

  it('requires the metrics token when one is set', async () => {
    const app = await appWith('s3cret');
    expect((await app.inject({ url: '/audit' })).statusCode).toBe(401);
    const ok = await app.inject({ url: '/audit?limit=1', headers: { authorization: 'Bearer s3cret' } });
    expect((ok.json() as { entries: AuditEntry[] }).entries).toHaveLength(1);
  });

  it('answers 400 to a bad filter', async () => {
    const app = await appWith();
    expect((await app.inject({ url: '/audit?limit=zero' })).statusCode).toBe(400);
  });
});
