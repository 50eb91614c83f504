import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssueRef, IssueState } from '../../src/domain/types.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres-schema.js';
import { PostgresStore } from '../../src/store/postgres.js';
import { delivery, issueState } from './store.contract.js';
import { dropSchema, ensurePostgres, TEST_DATABASE_URL, uniqueSchemaName } from '../support/postgres.js';

/** Separate pools on one schema: as far as the database can tell, separate replicas. */
const replicas = (schema: string, count: number) =>
  Array.from(
    { length: count },
    () => new PostgresStore({ connectionString: TEST_DATABASE_URL, schema, poolSize: 3, statementTimeoutMs: 10_000 }),
  );

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const refOf = (key: number): IssueRef => ({ forge: 'github', project: 'o/r', iid: key + 1 });

const appliedState = (ref: IssueRef, applied: string[]): IssueState => ({
  ...issueState(ref.iid),
  ref,
  extra: { applied },
});

describe('PostgresStore shared by several replicas', () => {
  const schemas: string[] = [];
  const fresh = (purpose: string) => {
    const schema = uniqueSchemaName(purpose);
    schemas.push(schema);
    return schema;
  };
  beforeAll(ensurePostgres);
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });

  it('migrates a fresh schema once when replicas start at the same moment', async () => {
    const schema = fresh('migrate');
    const stores = replicas(schema, 5);
    try {
      await Promise.all(stores.map((store) => store.migrate()));
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      const { rows } = await client.query(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
      await client.end();
      expect(rows.map((row) => row.version)).toEqual(POSTGRES_MIGRATIONS.map((_, i) => i + 1));
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('processes every delivery once and each issue in order while replicas claim concurrently and one dies', async () => {
    const KEYS = 40;
    const PER_KEY = 12;
    const stores = replicas(fresh('replicas'), 4);
    await Promise.all(stores.map((store) => store.migrate()));
    const expected = Array.from({ length: KEYS }, (_, key) =>
      Array.from({ length: PER_KEY }, (_, n) => `k${key}-d${n}`),
    );
    const completed: string[] = [];
    const stored: string[] = [];
    const total = KEYS * PER_KEY;

    // Intake: each issue's deliveries one after another, each sent to two replicas at once
    // (a forge retrying against another replica); different issues concurrently.
    const intake = Promise.all(
      expected.map(async (ids, key) => {
        for (const [n, id] of ids.entries()) {
          const sent = delivery(id, { orderingKey: `issue-${key}`, body: JSON.stringify({ key }) });
          const results = await Promise.all([
            stores[(key + n) % stores.length]!.enqueue(sent),
            stores[(key + n + 1) % stores.length]!.enqueue(sent),
          ]);
          if (results.includes('stored')) stored.push(id);
          expect(results.sort()).toEqual(['duplicate', 'stored']);
        }
      }),
    );

    // The engine's read-modify-write of an issue's state: wrong order or a double apply shows
    // up in the final `applied` list; a lost update shows up as a missing id.
    const worker = async (store: PostgresStore, workerId: string) => {
      while (completed.length < total) {
        const rows = await store.claim(4, workerId, 60_000);
        if (rows.length === 0) await sleep(5);
        for (const row of rows) {
          const ref = refOf((JSON.parse(row.body) as { key: number }).key);
          const applied = ((await store.getIssueState(ref))?.extra.applied as string[] | undefined) ?? [];
          if (await store.complete(row.seq, workerId, { state: appliedState(ref, [...applied, row.id]) })) {
            completed.push(row.id);
          }
        }
      }
    };
    // A replica that claims and then dies: its short leases expire and the others take over.
    const dying = async () => {
      while ((await stores[3]!.claim(5, 'dying', 300)).length === 0) await sleep(2);
    };

    try {
      await Promise.all([
        intake,
        dying(),
        ...stores.slice(0, 3).flatMap((store, r) => [worker(store, `r${r}-a`), worker(store, `r${r}-b`)]),
      ]);
      expect(stored.sort()).toEqual(expected.flat().sort());
      expect([...completed].sort()).toEqual(expected.flat().sort());
      const states = await stores[0]!.issueStates({ forge: 'github', project: 'o/r' });
      const appliedByIssue = new Map(states.map((state) => [state.ref.iid, state.extra.applied]));
      expected.forEach((ids, key) => expect(appliedByIssue.get(refOf(key).iid)).toEqual(ids));
      expect(await stores[0]!.inboxCounts()).toEqual({ queued: 0, processing: 0, done: total, dead: 0 });
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});
