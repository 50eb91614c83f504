import pg from 'pg';
import type { Logger } from 'pino';
import type { AuditEntry, ForgeName, IssueRef, IssueState, Transition } from '../domain/types.js';
import { issueKey } from '../domain/types.js';
import { translatePgError } from './postgres-errors.js';
import { auditInsert, issueStateUpsert, Params, transitionsInsert } from './postgres-sql.js';
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
import type {
  ChangeCursor,
  Changes,
  Delivery,
  IssueHistory,
  LeaseHold,
  PolicyMemoryRow,
  InboxRow,
  InboxStatus,
  Outcome,
  Store,
  TransitionFilter,
} from './store.js';

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
           -- A replayed older delivery heads its key while a newer one may still be running.
           AND NOT EXISTS (SELECT 1 FROM inbox q WHERE q.ordering_key = i.ordering_key AND q.status = 'processing'
                           AND q.seq <> i.seq AND q.lease_until >= ${NOW_MS})
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
    // One statement, so one round trip and atomic: the outcome is written only if the claim held.
    const params = new Params();
    const held = 'WHERE EXISTS (SELECT 1 FROM done)';
    const writes = [
      outcome.state ? issueStateUpsert(params, outcome.state, held) : null,
      outcome.transitions?.length ? transitionsInsert(params, outcome.transitions, held) : null,
      outcome.audit?.length ? auditInsert(params, outcome.audit, held) : null,
    ].filter((write) => write !== null);
    const { rows } = await this.query<{ done: number }>(
      `WITH done AS (
         UPDATE inbox SET status = 'done', lease_owner = NULL, lease_until = NULL, last_error = NULL
         WHERE seq = ${params.add(seq)} AND status = 'processing' AND lease_owner = ${params.add(workerId)}
         RETURNING seq
       )${writes.map((write, i) => `, write${i} AS (${write})`).join('')}
       SELECT count(*)::int AS done FROM done`,
      params.values,
    );
    return rows[0]?.done === 1;
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

  async renew(seqs: number[], workerId: string, leaseMs: number): Promise<number> {
    if (seqs.length === 0) return 0;
    const { rowCount } = await this.query(
      `UPDATE inbox SET lease_until = ${NOW_MS} + $3
       WHERE seq = ANY($1::bigint[]) AND status = 'processing' AND lease_owner = $2`,
      [seqs, workerId, leaseMs],
    );
    return rowCount ?? 0;
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

  async prune(before: string): Promise<number> {
    const { rowCount } = await this.query(`DELETE FROM inbox WHERE status = 'done' AND received_at < $1`, [before]);
    return rowCount ?? 0;
  }

  async knownDeliveries(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { rows } = await this.query<{ id: string }>('SELECT id FROM inbox WHERE id = ANY($1::text[])', [ids]);
    return new Set(rows.map((row) => row.id));
  }

  async lastReceivedAt(forge: ForgeName): Promise<string | null> {
    const { rows } = await this.query<{ at: string | null }>(
      'SELECT MAX(received_at) AS at FROM inbox WHERE forge = $1',
      [forge],
    );
    return rows[0]?.at ?? null;
  }

  async pruneAudit(before: string): Promise<number> {
    const { rowCount } = await this.query('DELETE FROM audit WHERE at < $1', [before]);
    return rowCount ?? 0;
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
    const params = new Params();
    await this.query(issueStateUpsert(params, state), params.values);
  }

  async recordTransitions(transitions: Transition[]): Promise<number> {
    if (transitions.length === 0) return 0;
    const params = new Params();
    const { rowCount } = await this.query(transitionsInsert(params, transitions), params.values);
    return rowCount ?? 0;
  }

  async transitions(filter: TransitionFilter): Promise<Transition[]> {
    const filters = new Params();
    filters.where('forge', filter.forge);
    filters.where('project', filter.project);
    filters.where('iid', filter.iid);
    // Through Date so that a date-only bound means UTC midnight whatever the server's TimeZone.
    filters.where('at', filter.from && new Date(filter.from).toISOString(), '>=');
    filters.where('at', filter.to && new Date(filter.to).toISOString(), '<');
    const { rows } = await this.query<TransitionRecord>(
      `SELECT * FROM transitions ${filters.whereClause()} ORDER BY forge, project, iid, at, to_stage`,
      filters.values,
    );
    return rows.map(toTransition);
  }

  async issueHistory(ref: Pick<IssueRef, 'forge' | 'project' | 'iid'>): Promise<IssueHistory> {
    return this.withClient(async (client) => {
      // One snapshot for both reads: a completion committing in between is in both or in neither.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const state = await client.query<{ state: unknown }>('SELECT state FROM issue_state WHERE key = $1', [
        issueKey(ref),
      ]);
      const transitions = await client.query<TransitionRecord>(
        'SELECT * FROM transitions WHERE forge = $1 AND project = $2 AND iid = $3 ORDER BY at, to_stage',
        [ref.forge, ref.project, ref.iid],
      );
      await client.query('COMMIT');
      return {
        state: state.rows[0] ? parseIssueState(state.rows[0].state) : null,
        transitions: transitions.rows.map(toTransition),
      };
    });
  }

  async changesSince(after: ChangeCursor, limit: number): Promise<Changes> {
    const [transitions, states] = await Promise.all([
      this.query<TransitionRecord & { seq: string }>('SELECT * FROM transitions WHERE seq > $1 ORDER BY seq LIMIT $2', [
        after.transitions,
        limit,
      ]),
      this.query<{ seq: string; state: unknown }>(
        'SELECT seq, state FROM issue_state WHERE seq > $1 ORDER BY seq LIMIT $2',
        [after.states, limit],
      ),
    ]);
    const last = (rows: { seq: string }[], fallback: number) => (rows.length ? Number(rows.at(-1)!.seq) : fallback);
    return {
      transitions: transitions.rows.map(toTransition),
      states: states.rows.map((row) => parseIssueState(row.state)),
      cursor: { transitions: last(transitions.rows, after.transitions), states: last(states.rows, after.states) },
    };
  }

  async issueStates(filter: { forge?: ForgeName; project?: string }): Promise<IssueState[]> {
    const filters = new Params();
    filters.where('forge', filter.forge);
    filters.where('project', filter.project);
    const { rows } = await this.query<{ state: unknown }>(
      `SELECT state FROM issue_state ${filters.whereClause()} ORDER BY key`,
      filters.values,
    );
    return rows.map((row) => parseIssueState(row.state));
  }

  async recordAudit(entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const params = new Params();
    await this.query(auditInsert(params, entries), params.values);
  }

  async audit(filter: { limit: number; forge?: ForgeName; project?: string; iid?: number }): Promise<AuditEntry[]> {
    const filters = new Params();
    filters.where('forge', filter.forge);
    filters.where('project', filter.project);
    filters.where('iid', filter.iid);
    const { rows } = await this.query<AuditRecord>(
      `SELECT * FROM audit ${filters.whereClause()} ORDER BY seq DESC LIMIT ${filters.add(filter.limit)}`,
      filters.values,
    );
    return rows.map(toAuditEntry);
  }

  async getCursor(name: string): Promise<string | null> {
    const { rows } = await this.query<{ value: string }>('SELECT value FROM cursors WHERE name = $1', [name]);
    return rows[0]?.value ?? null;
  }

  async setCursor(name: string, value: string, hold?: LeaseHold): Promise<boolean> {
    const upsert = 'INSERT INTO cursors (name, value) SELECT $1::text, $2::text';
    const replace = 'ON CONFLICT (name) DO UPDATE SET value = excluded.value';
    if (!hold) {
      await this.query(`${upsert} ${replace}`, [name, value]);
      return true;
    }
    // One statement, as for policy memory: the lease row is locked while the cursor is written.
    const { rows } = await this.query<{ held: boolean }>(
      `WITH held AS (
         SELECT 1 FROM leases WHERE name = $3 AND holder = $4 AND until_ms > ${NOW_MS} FOR UPDATE
       ), written AS (
         ${upsert} WHERE EXISTS (SELECT 1 FROM held) ${replace}
       )
       SELECT EXISTS (SELECT 1 FROM held) AS held`,
      [name, value, hold.name, hold.holder],
    );
    return rows[0]?.held === true;
  }

  async holdLease(hold: LeaseHold, ms: number): Promise<boolean> {
    const { rowCount } = await this.query(
      `INSERT INTO leases (name, holder, until_ms) VALUES ($1, $2, ${NOW_MS} + $3)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms
       WHERE leases.holder = excluded.holder OR leases.until_ms <= ${NOW_MS}`,
      [hold.name, hold.holder, Math.round(ms)],
    );
    return rowCount === 1;
  }

  async policyMemory(): Promise<PolicyMemoryRow[]> {
    const { rows } = await this.query<{ key: string; memory: unknown }>('SELECT key, memory FROM policy_memory');
    return rows;
  }

  async putPolicyMemory(rows: PolicyMemoryRow[], hold: LeaseHold): Promise<boolean> {
    // One statement: the lease row is locked while the memories are written, so a takeover waits.
    const { rows: result } = await this.query<{ held: boolean }>(
      `WITH held AS (
         SELECT 1 FROM leases WHERE name = $1 AND holder = $2 AND until_ms > ${NOW_MS} FOR UPDATE
       ), written AS (
         INSERT INTO policy_memory (key, memory)
         SELECT key, memory FROM unnest($3::text[], $4::jsonb[]) AS m(key, memory) WHERE EXISTS (SELECT 1 FROM held)
         ON CONFLICT (key) DO UPDATE SET memory = excluded.memory
       )
       SELECT EXISTS (SELECT 1 FROM held) AS held`,
      [hold.name, hold.holder, rows.map((row) => row.key), rows.map((row) => JSON.stringify(row.memory))],
    );
    return result[0]?.held === true;
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
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
}
