import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/** The store the config asks for (PostgreSQL when a database URL is set, else SQLite), migrated and ready. */
export async function openStore(config: Config, log?: Logger): Promise<Store> {
  const store: Store = config.store.databaseUrl
    ? new PostgresStore({
        connectionString: config.store.databaseUrl,
        poolSize: config.store.poolSize,
        statementTimeoutMs: config.store.statementTimeoutMs,
        log: log?.child({ component: 'store' }),
      })
    : new SqliteStore({ path: config.store.sqlitePath, synchronous: config.store.sqliteSynchronous });
  await store.migrate();
  return store;
}

/** A human-readable description of where data lives, without credentials. */
export function describeStore(config: Config): string {
  if (!config.store.databaseUrl) return `sqlite:${config.store.sqlitePath}`;
  try {
    const url = new URL(config.store.databaseUrl);
    return `postgres://${url.host}${url.pathname}`;
  } catch {
    return 'postgres';
  }
}
