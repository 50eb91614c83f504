import type { Config } from '../config/schema.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/** The store the config asks for, migrated and ready. */
export async function openStore(config: Config): Promise<Store> {
  if (config.store.databaseUrl) {
    throw new Error('DATABASE_URL is set but the PostgreSQL store is not available in this build');
  }
  const store = new SqliteStore({ path: config.store.sqlitePath, synchronous: config.store.sqliteSynchronous });
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
