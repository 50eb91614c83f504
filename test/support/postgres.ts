import { execFileSync, execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresStore } from '../../src/store/postgres.js';

/** The test machine's PostgreSQL 15: trust auth, database `test`. Overridable for other setups. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Start the local cluster when it is down (as the test setup says), then wait for it. */
export async function ensurePostgres(): Promise<void> {
  if (await reachable()) return;
  const version = execSync('ls /etc/postgresql', { encoding: 'utf8' }).trim().split('\n')[0]!;
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await reachable()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`PostgreSQL at ${TEST_DATABASE_URL} did not come up`);
}

/** A fresh schema name for one test run; `dropSchema` removes it and everything in it afterwards. */
export function uniqueSchemaName(purpose: string): string {
  return `bk_${purpose}_${process.pid}_${randomBytes(3).toString('hex')}`;
}

export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createSchema(schema: string): Promise<void> {
  await adminQuery(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`);
}

export async function dropSchema(schema: string): Promise<void> {
  await adminQuery(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
}

/** DATABASE_URL whose connections live in `schema` (libpq `options`, understood by node-postgres and psql). */
export function databaseUrlFor(schema: string, base = TEST_DATABASE_URL): string {
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

export interface RunSchema {
  schema: string;
  /** DATABASE_URL for replicas of this run; `base` lets them go through a proxy. */
  databaseUrl(base?: string): string;
  /** A store on the schema, for the test to look at what the replicas did. */
  observe(): PostgresStore;
  drop(): Promise<void>;
}

/** A fresh, existing schema for one run of replicas. */
export async function runSchema(purpose: string): Promise<RunSchema> {
  await ensurePostgres();
  const schema = uniqueSchemaName(purpose);
  await createSchema(schema);
  return {
    schema,
    databaseUrl: (base) => databaseUrlFor(schema, base),
    observe: () =>
      new PostgresStore({ connectionString: TEST_DATABASE_URL, schema, poolSize: 2, statementTimeoutMs: 10_000 }),
    drop: () => dropSchema(schema),
  };
}
