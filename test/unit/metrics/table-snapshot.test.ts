import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../../src/config/schema.js';
import { createLogger } from '../../../src/logger.js';
import { metricsSettings } from '../../../src/metrics/settings.js';
import { tableBuilder } from '../../../src/metrics/table-snapshot.js';
import { TableThread } from '../../../src/metrics/table-thread.js';
import { createService } from '../../../src/service.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { A, B_AS_DELIVERED, C, D, D_STATE, NOW, state } from './ledger.js';

describe('the metrics table snapshot', () => {
  let dir: string;
  let config: Config;
  let store: SqliteStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bk-table-'));
    config = configSchema.parse({ store: { sqlitePath: join(dir, 'bk.db') }, durations: { cacheSeconds: 3600 } });
    store = new SqliteStore({ path: config.store.sqlitePath });
    await store.migrate();
    await store.recordTransitions([...A, ...B_AS_DELIVERED, ...C, ...D]);
    await store.putIssueState(D_STATE);
    await store.putIssueState(state('github', 'acme/web', 7, { labels: ['segment::mm', 'escalated'], kind: 'implementation', segment: 'mm' }));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is built on a thread with its own connection exactly as on this one', async () => {
    const thread = new TableThread(config);
    try {
      const threaded = await thread.build(NOW);
      expect(threaded.size).toBe(4);
      expect(threaded).toEqual(await tableBuilder(store, metricsSettings(config))(NOW));
    } finally {
      await thread.close();
    }
  });

  it('is read from the store once for /metrics and /dashboard together', async () => {
    let fullReads = 0;
    const counted = Object.assign(Object.create(store) as SqliteStore, {
      transitions: (filter: Parameters<SqliteStore['transitions']>[0]) => {
        fullReads++;
        return store.transitions(filter);
      },
      // The service closes its store; this test's afterEach closes the real one.
      close: async () => {},
    });
    const service = await createService({
      config,
      store: counted,
      log: createLogger({ level: 'silent' }),
      clients: { gitlab: null, github: null },
      now: () => new Date(NOW),
    });
    try {
      const [metrics, dashboard] = await Promise.all([
        service.app.inject({ method: 'GET', url: '/metrics' }),
        service.app.inject({ method: 'GET', url: '/dashboard' }),
      ]);
      expect([metrics.statusCode, dashboard.statusCode]).toEqual([200, 200]);
      expect((await service.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
      expect(fullReads).toBe(1);
    } finally {
      await service.close();
    }
  });
});
