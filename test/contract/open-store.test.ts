import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { openStore } from '../../src/store/open.js';
import { runSchema } from '../support/postgres.js';
import { delivery } from './store.contract.js';

describe('openStore', () => {
  it('opens PostgreSQL, migrated, in the schema the DATABASE_URL selects', async () => {
    const run = await runSchema('open');
    const store = await openStore(configSchema.parse({ store: { databaseUrl: run.databaseUrl(), poolSize: 2 } }));
    const observer = run.observe();
    try {
      expect(store.kind).toBe('postgres');
      await store.enqueue(delivery('d1'));
      expect(await observer.inboxCounts()).toMatchObject({ queued: 1 });
    } finally {
      await Promise.all([store.close(), observer.close()]);
      await run.drop();
    }
  });

  it('opens SQLite when no database URL is set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bk-open-'));
    const store = await openStore(configSchema.parse({ store: { sqlitePath: join(dir, 'bk.db') } }));
    try {
      expect(store.kind).toBe('sqlite');
      expect(await store.enqueue(delivery('d1'))).toBe('stored');
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens the SQLite file a file: DATABASE_URL names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bk-open-'));
    const path = join(dir, 'from-url.db');
    const store = await openStore(
      configSchema.parse({ store: { databaseUrl: `file://${path}`, sqlitePath: join(dir, 'not-this.db') } }),
    );
    try {
      expect(store.kind).toBe('sqlite');
      expect(await store.enqueue(delivery('d1'))).toBe('stored');
      expect(existsSync(path)).toBe(true);
      expect(existsSync(join(dir, 'not-this.db'))).toBe(false);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
