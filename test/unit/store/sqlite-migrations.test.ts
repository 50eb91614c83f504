import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { SQLITE_MIGRATIONS } from '../../../src/store/sqlite-schema.js';
import { SqliteStore } from '../../../src/store/sqlite.js';

it('upgrades a database of an older version without losing a queued delivery', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bk-migrate-'));
  const path = join(dir, 'old.db');
  const old = new Database(path);
  SQLITE_MIGRATIONS.slice(0, 2).forEach((sql) => old.exec(sql));
  old.pragma('user_version = 2');
  old
    .prepare(
      `INSERT INTO inbox (id, forge, event, ordering_key, headers, body, received_at, available_at)
       VALUES ('kept', 'gitlab', 'Issue Hook.open', 'gitlab:1#1', '{}', '{"object_kind":"issue"}', '2024-01-01T00:00:00.000Z', 0)`,
    )
    .run();
  old.close();

  const store = new SqliteStore({ path });
  await store.migrate();
  expect(await store.listInbox('queued', 10)).toMatchObject([{ id: 'kept', body: '{"object_kind":"issue"}' }]);
  expect(await store.claim(10, 'w', 1000)).toMatchObject([{ id: 'kept', body: '{"object_kind":"issue"}' }]);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});
