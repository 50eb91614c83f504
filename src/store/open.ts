import { parseDatabaseUrl, type DatabaseTarget } from '../config/database-url.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/** PostgreSQL for a postgres URL, a SQLite file for a file:/sqlite: URL, else `store.sqlitePath`. */
export function databaseTarget(config: Config): DatabaseTarget {
  const url = config.store.databaseUrl;
  if (!url) return { kind: 'sqlite', path: config.store.sqlitePath };
  const parsed = parseDatabaseUrl(url);
  // The schema rejected any other URL when the config was loaded.
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed;
}

/** The store the config asks for, migrated and ready. */
export async function openStore(config: Config, log?: Logger): Promise<Store> {
  const target = databaseTarget(config);
  const store: Store =
    target.kind === 'postgres'
      ? new PostgresStore({
          connectionString: target.url,
          poolSize: config.store.poolSize,
          statementTimeoutMs: config.store.statementTimeoutMs,
          log: log?.child({ component: 'store' }),
        })
      : new SqliteStore({ path: target.path, synchronous: config.store.sqliteSynchronous });
  await store.migrate();
  return store;
}

/** A human-readable description of where data lives, without credentials. */
export function describeStore(config: Config): string {
  const target = databaseTarget(config);
  if (target.kind === 'sqlite') return `sqlite:${target.path}`;
  try {
    const url = new URL(target.url);
    return `postgres://${url.host}${url.pathname}`;
  } catch {
    return 'postgres';
  }
}
