import pg from 'pg';
import type { Logger } from 'pino';
import type { AuditEntry, ForgeName, IssueRef, IssueState, Transition } from '../domain/types.js';
import { issueKey } from '../domain/types.js';
import { translatePgError } from './postgres-errors.js';
import { migratePostgres } from './postgres-migrate.js';
import {
  EMPTY_COUNTS,
  parseIssueState,
  toAuditEntry,
  toInboxRow,
  toTransition,
  type AuditRecord,
  type InboxRecord,
  type TransitionRecord,
} from './rows.js';
import type { Delivery, InboxRow, InboxStatus, Outcome, Store, TransitionFilter } from './store.js';

export interface PostgresStoreOptions {
  connectionString: string;
  /**
   * Schema holding the tables; created by `migrate()`. Unset: the connection's own search_path,
   * e.g. `?options=-csearch_path%3Dboardkeeper` in the URL (that schema must exist), or `public`.
   */
  schema?: string;
  poolSize: number;
  /** Server-side limit for every statement; also bounds waiting for a connection. */
  statementTimeoutMs: number;
  log?: Pick<Logger, 'warn'>;
}

/** Epoch milliseconds on the database clock, shared by every replica. */
const NOW_MS = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;
const CLAIMABLE = `((i.status = 'queued' AND i.available_at <= ${NOW_MS})
  OR (i.status = 'processing' AND i.lease_until < ${NOW_MS}))`;
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * The Store on PostgreSQL, for several replicas sharing one database. Work is claimed with
 * `FOR UPDATE SKIP LOCKED` on each ordering key's oldest unfinished delivery, so one issue's
 * deliveries run strictly in order across replicas while different issues run in parallel.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly schema: string | undefined;

  constructor(options: PostgresStoreOptions) {
    if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
      throw new Error(`invalid PostgreSQL schema name: ${options.schema}`);
    }
    this.schema = options.schema;
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize,
      statement_timeout: options.statementTimeoutMs,
      // A client that dies inside a transaction must not keep its row locks for long.
      idle_in_transaction_session_timeout: options.statementTimeoutMs * 2,
      connectionTimeoutMillis: Math.min(options.statementTimeoutMs, 5_000),
      keepAlive: true,
      // An `options` parameter in the URL takes precedence over this one.
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // An idle connection dropped by a database restart is reported here; without a listener it
    // would crash the process. The pool discards it and the next query opens a fresh one.
    this.pool.on('error', (error) => options.log?.warn({ err: error }, 'PostgreSQL connection lost'));
  }

  async migrate(): Promise<void> {
    await this.withClient((client) => migratePostgres(client, this.schema));
  }

  async enqueue(delivery: Delivery): Promise<'stored' | 'duplicate'> {
    // The per-key lock makes commit order equal seq order within a key, so a claimer never
    // sees a later delivery of an issue before an earlier one that is still committing.
    const { rowCount } = await this.query(
      `WITH key_lock AS (SELECT pg_advisory_xact_lock(hashtextextended($4, 0)))
       INSERT INTO inbox (id, forge, event, ordering_key, headers, body, received_at, available_at)
       SELECT $1, $2, $3, $4, $5, $6, $7, ${NOW_MS} FROM key_lock
       ON CONFLICT (id) DO NOTHING`,
      [
        delivery.id,
        delivery.forge,
        delivery.event,
        delivery.orderingKey,
        JSON.stringify(delivery.headers),
        delivery.body,
        delivery.receivedAt,
      ],
    );
    return rowCount === 1 ? 'stored' : 'duplicate';
  }

  async claim(limit: number, workerId: string, leaseMs: number): Promise<InboxRow[]> {
    // Each key's head is found by a skip scan over the unfinished-rows index (one probe per key
    // with work, however deep its backlog), then the due heads are locked in arrival order. The
    // row conditions are re-checked on the locked row's newest version, so a row whose claim
    // committed while this statement ran is skipped.
    const { rows } = await this.query<InboxRecord>(
      `WITH RECURSIVE heads AS (
         (SELECT ordering_key, seq FROM inbox WHERE status IN ('queued', 'processing')
          ORDER BY ordering_key, seq LIMIT 1)
         UNION ALL
         SELECT next.ordering_key, next.seq FROM heads
         CROSS JOIN LATERAL (
           SELECT ordering_key, seq FROM inbox
           WHERE status IN ('queued', 'processing') AND ordering_key > heads.ordering_key
           ORDER BY ordering_key, seq LIMIT 1) next
       ), due AS (
         SELECT i.seq FROM inbox i JOIN heads ON heads.seq = i.seq
         WHERE ${CLAIMABLE}
         ORDER BY i.seq
         LIMIT $1
         FOR UPDATE OF i SKIP LOCKED
       )
       UPDATE inbox SET status = 'processing', lease_owner = $2, lease_until = ${NOW_MS} + $3,
         attempts = attempts + 1
       FROM due WHERE inbox.seq = due.seq
       RETURNING inbox.*`,
      [limit, workerId, leaseMs],
    );
    return rows.map(toInboxRow).sort((a, b) => a.seq - b.seq);
  }

  async complete(seq: number, workerId: string, outcome: Outcome): Promise<boolean> {
    return this.transaction(async (client) => {
      const { rowCount } = await client.query(
        `UPDATE inbox SET status = 'done', lease_owner = NULL, lease_until = NULL, last_error = NULL
         WHERE seq = $1 AND status = 'processing' AND lease_owner = $2`,
        [seq, workerId],
      );
      if (rowCount !== 1) return false;
      if (outcome.state) await upsertIssueState(client, outcome.state);
      if (outcome.transitions?.length) await insertTransitions(client, outcome.transitions);
      if (outcome.audit?.length) await insertAudit(client, outcome.audit);
      return true;
    });
  }

  async fail(seq: number, workerId: string, error: string, retryAt: Date | null): Promise<void> {
    await this.query(
      `UPDATE inbox SET
         status = CASE WHEN $4::bigint IS NULL THEN 'dead' ELSE 'queued' END,
         last_error = $3, available_at = coalesce($4::bigint, ${NOW_MS}),
         lease_owner = NULL, lease_until = NULL
       WHERE seq = $1 AND status = 'processing' AND lease_owner = $2`,
      [seq, workerId, error, retryAt ? retryAt.getTime() : null],
    );
  }

  async release(seq: number, workerId: string): Promise<void> {
    await this.query(
      `UPDATE inbox SET status = 'queued', attempts = greatest(attempts - 1, 0), lease_owner = NULL,
         lease_until = NULL
       WHERE seq = $1 AND status = 'processing' AND lease_owner = $2`,
      [seq, workerId],
    );
  }

  async inboxCounts(): Promise<Record<InboxStatus, number>> {
    const { rows } = await this.query<{ status: InboxStatus; n: number }>(
      'SELECT status, count(*)::int AS n FROM inbox GROUP BY status',
    );
    return { ...EMPTY_COUNTS, ...Object.fromEntries(rows.map((row) => [row.status, row.n])) };
  }

  async listInbox(status: InboxStatus, limit: number): Promise<InboxRow[]> {
    const { rows } = await this.query<InboxRecord>('SELECT * FROM inbox WHERE status = $1 ORDER BY seq LIMIT $2', [
      status,
      limit,
    ]);
    return rows.map(toInboxRow);
  }

  async requeue(target: { ids: string[] } | { allDead: true }): Promise<number> {
    const requeue = `UPDATE inbox SET status = 'queued', attempts = 0, available_at = ${NOW_MS},
       lease_owner = NULL, lease_until = NULL`;
    const { rowCount } =
      'ids' in target
        ? await this.query(`${requeue} WHERE id = ANY($1::text[]) AND status IN ('dead', 'done')`, [target.ids])
        : await this.query(`${requeue} WHERE status = 'dead'`);
    return rowCount ?? 0;
  }

  async getIssueState(ref: IssueRef): Promise<IssueState | null> {
    const { rows } =
      ref.iid === 0 && ref.nodeId
        ? await this.query<{ state: unknown }>('SELECT state FROM issue_state WHERE forge = $1 AND node_id = $2', [
            ref.forge,
            ref.nodeId,
          ])
        : await this.query<{ state: unknown }>('SELECT state FROM issue_state WHERE key = $1', [issueKey(ref)]);
    return rows[0] ? parseIssueState(rows[0].state) : null;
  }

  async putIssueState(state: IssueState): Promise<void> {
    await upsertIssueState(this.poolQueryable(), state);
  }

  async recordTransitions(transitions: Transition[]): Promise<number> {
    return transitions.length ? insertTransitions(this.poolQueryable(), transitions) : 0;
  }

  async transitions(filter: TransitionFilter): Promise<Transition[]> {
    const where = new Conditions();
    where.equal('forge', filter.forge);
    where.equal('project', filter.project);
    where.equal('iid', filter.iid);
    // Through Date so that a date-only bound means UTC midnight whatever the server's TimeZone.
    where.compare('at', '>=', filter.from && new Date(filter.from).toISOString());
    where.compare('at', '<', filter.to && new Date(filter.to).toISOString());
    const { rows } = await this.query<TransitionRecord>(
      `SELECT * FROM transitions ${where.sql()} ORDER BY forge, project, iid, at, to_stage`,
      where.values,
    );
    return rows.map(toTransition);
  }

  async issueStates(filter: { forge?: ForgeName; project?: string }): Promise<IssueState[]> {
    const where = new Conditions();
    where.equal('forge', filter.forge);
    where.equal('project', filter.project);
    const { rows } = await this.query<{ state: unknown }>(
      `SELECT state FROM issue_state ${where.sql()} ORDER BY key`,
      where.values,
    );
    return rows.map((row) => parseIssueState(row.state));
  }

  async recordAudit(entries: AuditEntry[]): Promise<void> {
    if (entries.length) await insertAudit(this.poolQueryable(), entries);
  }

  async audit(filter: { limit: number; forge?: ForgeName; project?: string; iid?: number }): Promise<AuditEntry[]> {
    const where = new Conditions();
    where.equal('forge', filter.forge);
    where.equal('project', filter.project);
    where.equal('iid', filter.iid);
    const { rows } = await this.query<AuditRecord>(
      `SELECT * FROM audit ${where.sql()} ORDER BY seq DESC LIMIT ${where.add(filter.limit)}`,
      where.values,
    );
    return rows.map(toAuditEntry);
  }

  async getCursor(name: string): Promise<string | null> {
    const { rows } = await this.query<{ value: string }>('SELECT value FROM cursors WHERE name = $1', [name]);
    return rows[0]?.value ?? null;
  }

  async setCursor(name: string, value: string): Promise<void> {
    await this.query(
      'INSERT INTO cursors (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
      [name, value],
    );
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private poolQueryable(): Queryable {
    return { query: ((text: string, values?: unknown[]) => this.query(text, values)) as Queryable['query'] };
  }

  private async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, values);
    } catch (error) {
      throw translatePgError(error);
    }
  }

  private async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw translatePgError(error);
    }
    // A checked-out client whose connection drops emits 'error'; unheard, that would crash the
    // process. The failing query rejects as well, which is what the caller sees.
    const ignoreDrop = () => {};
    client.on('error', ignoreDrop);
    try {
      const result = await work(client);
      client.release();
      return result;
    } catch (error) {
      // Passing the error discards the connection: it may be the one that broke.
      client.release(error instanceof Error ? error : true);
      throw translatePgError(error);
    } finally {
      client.off('error', ignoreDrop);
    }
  }

  private transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      await client.query('BEGIN');
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  }
}

/** AND-ed WHERE conditions with numbered parameters, skipping filters that are not set. */
class Conditions {
  readonly values: unknown[] = [];
  private readonly parts: string[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  equal(column: string, value: unknown): void {
    this.compare(column, '=', value);
  }

  compare(column: string, operator: '=' | '>=' | '<', value: unknown): void {
    if (value !== undefined) this.parts.push(`${column} ${operator} ${this.add(value)}`);
  }

  sql(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

async function upsertIssueState(client: Queryable, state: IssueState): Promise<void> {
  await client.query(
    `INSERT INTO issue_state (key, forge, project, iid, node_id, state, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (key) DO UPDATE SET node_id = coalesce(excluded.node_id, issue_state.node_id),
       state = excluded.state, updated_at = excluded.updated_at`,
    [
      issueKey(state.ref),
      state.ref.forge,
      state.ref.project,
      state.ref.iid,
      state.ref.nodeId ?? null,
      JSON.stringify(state),
      state.updatedAt,
    ],
  );
}

async function insertTransitions(client: Queryable, transitions: Transition[]): Promise<number> {
  const column = <T>(pick: (t: Transition) => T) => transitions.map(pick);
  const { rowCount } = await client.query(
    `INSERT INTO transitions (forge, project, iid, at, to_stage, from_stage, actor, source, kind, segment)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::timestamptz[], $5::text[], $6::text[],
       $7::text[], $8::text[], $9::text[], $10::text[])
     ON CONFLICT DO NOTHING`,
    [
      column((t) => t.forge),
      column((t) => t.project),
      column((t) => t.iid),
      column((t) => t.at),
      column((t) => t.to),
      column((t) => t.from),
      column((t) => t.actor),
      column((t) => t.source),
      column((t) => t.kind ?? null),
      column((t) => t.segment ?? null),
    ],
  );
  return rowCount ?? 0;
}

async function insertAudit(client: Queryable, entries: AuditEntry[]): Promise<void> {
  const column = <T>(pick: (e: AuditEntry) => T) => entries.map(pick);
  await client.query(
    `INSERT INTO audit (at, delivery_id, forge, project, iid, action, detail, result, api_calls, latency_ms)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[],
       $7::jsonb[], $8::text[], $9::int[], $10::int[])`,
    [
      column((e) => e.at),
      column((e) => e.deliveryId),
      column((e) => e.forge),
      column((e) => e.project),
      column((e) => e.iid),
      column((e) => e.action),
      column((e) => JSON.stringify(e.detail ?? null)),
      column((e) => e.result),
      column((e) => e.apiCalls),
      column((e) => e.latencyMs),
    ],
  );
}
