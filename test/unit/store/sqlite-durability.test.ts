import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { WalSync } from '../../../src/store/wal-sync.js';
import { eventually } from '../../support/service.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bk-durable-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const delivery = (id: string) => ({
  id,
  forge: 'github' as const,
  event: 'issues.opened',
  orderingKey: `key-${id}`,
  headers: {},
  body: JSON.stringify({ padding: 'x'.repeat(8_000), id }),
  receivedAt: new Date(0).toISOString(),
});

describe('SqliteStore durability', () => {
  it('moves WAL frames into the database file on its own while it stays open', async () => {
    const path = join(dir, 'db.sqlite');
    const store = new SqliteStore({ path });
    await store.migrate();
    const before = statSync(path).size;
    await Promise.all(Array.from({ length: 200 }, (_, n) => store.enqueue(delivery(`d${n}`))));
    // 200 × 8 KB could only reach the database file through a checkpoint.
    await eventually(() => statSync(path).size > before + 1_000_000, 'a checkpoint of the enqueued deliveries');
    await store.close();
  });

  it('keeps every acknowledged delivery across a reopen', async () => {
    const path = join(dir, 'db.sqlite');
    const store = new SqliteStore({ path });
    await store.migrate();
    const results = await Promise.all(Array.from({ length: 50 }, (_, n) => store.enqueue(delivery(`d${n}`))));
    expect(results.every((result) => result === 'stored')).toBe(true);
    await store.close();
    const reopened = new SqliteStore({ path });
    expect((await reopened.inboxCounts()).queued).toBe(50);
    await reopened.close();
  });
});

describe('WalSync', () => {
  it('rejects every waiter when the WAL cannot be synced, so intake answers 503 rather than 202', async () => {
    const sync = new WalSync(join(dir, 'missing', 'db-wal'));
    const waiters = [sync.durable(), sync.durable(), sync.durable()];
    const outcomes = await Promise.allSettled(waiters);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    await sync.close();
  });

  it('never reports durable again after an fdatasync failed, even once the file could be synced', async () => {
    const path = join(dir, 'sticky-wal');
    writeFileSync(path, 'frames');
    const sync = new WalSync(path);
    await expect(sync.durable()).resolves.toBeUndefined();
    const internals = sync as unknown as { fd: number | null };
    const good = internals.fd;
    internals.fd = 2 ** 30; // not an open descriptor: fdatasync fails with EBADF, as a failing disk would fail it
    await expect(sync.durable()).rejects.toThrow();
    internals.fd = good;
    await expect(sync.durable()).rejects.toThrow();
    expect(sync.failure).not.toBeNull();
    await sync.close();
  });
});
