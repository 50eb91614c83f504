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

it('numbers the transitions and issue states of an older database, so a first changesSince reads them all', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bk-migrate-'));
  const path = join(dir, 'old.db');
  const old = new Database(path);
  const before = SQLITE_MIGRATIONS.findIndex((sql) => sql.includes('transitions_seq'));
  SQLITE_MIGRATIONS.slice(0, before).forEach((sql) => old.exec(sql));
  old.pragma(`user_version = ${before}`);
  const insert = old.prepare(
    `INSERT INTO transitions (forge, project, iid, at, to_stage, from_stage, actor, source, kind, segment)
     VALUES ('gitlab', '1', ?, ?, 'triage', 'intake', 'ie', 'webhook', NULL, NULL)`,
  );
  insert.run(2, '2024-01-02T00:00:00.000Z');
  insert.run(1, '2024-01-01T00:00:00.000Z');
  old
    .prepare(
      `INSERT INTO issue_state (key, forge, project, iid, state, updated_at) VALUES ('gitlab:1#1', 'gitlab', '1', 1, ?, 'x')`,
    )
    .run(JSON.stringify({ ref: { forge: 'gitlab', project: '1', iid: 1 }, title: 'kept' }));
  old.close();

  const store = new SqliteStore({ path });
  await store.migrate();
  const first = await store.changesSince({ transitions: 0, states: 0 }, 10);
  expect(first.transitions.map((t) => t.iid)).toEqual([1, 2]);
  expect(first.states).toMatchObject([{ title: 'kept' }]);
  await store.recordTransitions([{ ...first.transitions[0]!, iid: 3 }]);
  expect((await store.changesSince(first.cursor, 10)).transitions.map((t) => t.iid)).toEqual([3]);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});
