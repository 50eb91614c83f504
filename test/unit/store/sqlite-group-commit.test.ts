import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../src/store/sqlite.js';
import type { Delivery } from '../../../src/store/store.js';

const delivery = (id: string, orderingKey = 'k'): Delivery => ({
  id,
  forge: 'github',
  event: 'issues.opened',
  orderingKey,
  headers: { 'x-github-event': 'issues' },
  body: '{}',
  receivedAt: new Date(0).toISOString(),
});

describe('SqliteStore group commit', () => {
  let dir: string;
  let store: SqliteStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bk-sqlite-'));
    store = new SqliteStore({ path: join(dir, 'db.sqlite') });
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores one of two same-id deliveries enqueued in the same tick', async () => {
    const results = await Promise.all([
      store.enqueue(delivery('a')),
      store.enqueue(delivery('a')),
      store.enqueue(delivery('b')),
    ]);
    expect(results).toEqual(['stored', 'duplicate', 'stored']);
    expect((await store.inboxCounts()).queued).toBe(2);
  });

  it('keeps arrival order across a batch', async () => {
    await Promise.all(['1', '2', '3'].map((id) => store.enqueue(delivery(id, `key-${id}`))));
    const claimed = await store.claim(10, 'w', 1000);
    expect(claimed.map((row) => row.id)).toEqual(['1', '2', '3']);
  });

  it('delivers everything enqueued before close', async () => {
    const pending = store.enqueue(delivery('late'));
    await store.close();
    await expect(pending).resolves.toBe('stored');
    store = new SqliteStore({ path: join(dir, 'db.sqlite') });
    await store.migrate();
    expect((await store.listInbox('queued', 10)).map((row) => row.id)).toEqual(['late']);
  });

  it('rejects with StoreUnavailableError when the database cannot write', async () => {
    await store.close();
    store = new SqliteStore({ path: join(dir, 'db.sqlite') });
    await store.migrate();
    // A read-only view of the same file: writes fail the way a full or locked disk does.
    const readOnly = new SqliteStore({ path: join(dir, 'db.sqlite') });
    (readOnly as unknown as { db: { pragma(s: string): void } }).db.pragma('query_only = ON');
    await expect(readOnly.enqueue(delivery('x'))).rejects.toMatchObject({ name: 'StoreUnavailableError' });
    await readOnly.close();
  });
});

describe('SqliteStore intake while another connection writes', () => {
  it('waits for the lock off the event loop, then stores the delivery', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bk-busy-'));
    const path = join(dir, 'db.sqlite');
    const store = new SqliteStore({ path, synchronous: 'normal' });
    await store.migrate();
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const settled: string[] = [];
    const track = (id: string) => {
      const result = store.enqueue(delivery(id));
      result.then(
        () => settled.push(id),
        () => settled.push(`${id} failed`),
      );
      return result;
    };
    /** Timer turns of the event loop: a write sleeping in SQLite's busy handler would let none run until it gave up. */
    const turns = async (n: number) => {
      for (let i = 0; i < n; i++) await new Promise((resolve) => setTimeout(resolve, 1));
    };
    const stored = track('while-locked');
    await turns(5);
    // Timers ran while the write waited, and it is still waiting: it neither failed nor went through.
    expect(settled).toEqual([]);
    // Arrives while the first waits for the lock: it must not overtake it.
    const later = track('arrived-later');
    await turns(5);
    expect(settled).toEqual([]);
    other.exec('COMMIT');
    await expect(stored).resolves.toBe('stored');
    await expect(later).resolves.toBe('stored');
    expect(settled).toEqual(['while-locked', 'arrived-later']);
    expect((await store.listInbox('queued', 10)).map((row) => row.id)).toEqual(['while-locked', 'arrived-later']);
    other.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
