import pg from 'pg';
import { POSTGRES_MIGRATIONS } from './postgres-schema.js';

/**
 * Bring the schema in the connection's search_path up to date. One transaction under an
 * advisory lock keyed by that search_path: replicas starting together queue behind the first
 * one and then find nothing left to do; a failed migration leaves no half-applied version.
 */
export async function migratePostgres(client: pg.ClientBase, schema: string | undefined): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('boardkeeper.migrate:' || current_setting('search_path'), 0))`,
    );
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version INTEGER PRIMARY KEY,
         applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await client.query<{ version: number }>(
      'SELECT coalesce(max(version), 0)::int AS version FROM schema_migrations',
    );
    for (let version = (rows[0]?.version ?? 0) + 1; version <= POSTGRES_MIGRATIONS.length; version++) {
      await client.query(POSTGRES_MIGRATIONS[version - 1]!);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
