import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AuditEntry, ForgeName, IssueRef, IssueState, Transition } from '../domain/types.js';
import { issueKey } from '../domain/types.js';
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
import { SQLITE_MIGRATIONS } from './sqlite-schema.js';
import { Checkpointer } from './checkpointer.js';
import { WalSync } from './wal-sync.js';
import {
  StoreUnavailableError,
  type ChangeCursor,
  type Changes,
  type Delivery,
  type IssueHistory,
  type LeaseHold,
  type PolicyMemoryRow,
  type InboxRow,
  type InboxStatus,
  type Outcome,
  type Store,
  type TransitionFilter,
} from './store.js';

export interface SqliteOptions {
  path: string;
  /** `full` survives power loss; `normal` survives a process crash only. */
  synchronous?: 'full' | 'normal';
}

const BUSY_TIMEOUT_MS = 5000;

/**
 * The row heads its ordering key: no older unfinished delivery of the key, and no other one being
 * processed under a live lease (a replayed older delivery must wait for a newer one in flight).
 */
const IS_HEAD = (table: string) =>
  `NOT EXISTS (SELECT 1 FROM inbox p INDEXED BY inbox_heads
     WHERE p.ordering_key = ${table}.ordering_key AND p.status IN ('queued', 'processing')
       AND (p.seq < ${table}.seq OR (p.status = 'processing' AND p.seq <> ${table}.seq AND p.lease_until > @now)))`;

/** The next insertion sequence of a table (single writer: SQLite's write lock is held). */
const NEXT_SEQ = (table: string) => `(SELECT coalesce(max(seq), 0) + 1 FROM ${table})`;

type TransitionRow = [
  seq: number,
  forge: ForgeName,
  project: string,
  iid: number,
  at: string,
  to: string,
  from: string | null,
  actor: string,
  source: string,
  kind: string | null,
  segment: string | null,
];

const isBusy = (error: unknown): boolean => (error as { code?: string }).code === 'SQLITE_BUSY';

interface PendingEnqueue {
  delivery: Delivery;
  resolve: (result: 'stored' | 'duplicate') => void;
  reject: (error: unknown) => void;
}

/**
 * The embedded store. better-sqlite3 is synchronous, so every method runs to completion on the
 * event loop; enqueues that arrive in the same tick are grouped into one transaction, and the
 * fsync that makes them durable runs off the event loop (WalSync), shared by every batch
 * committed while the previous one was in flight.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly path: string;
  private pending: PendingEnqueue[] = [];
  private flushScheduled = false;
  /** A batch is waiting for another connection's write lock. */
  private retrying = false;
  /** null when a process crash is all the inbox must survive (`synchronous: 'normal'`, or in memory). */
  private readonly walSync: WalSync | null;
  /** Started with the first delivery: a store used only by a short CLI command keeps SQLite's own checkpoints. */
  private checkpointer: Checkpointer | null = null;

  constructor(options: SqliteOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    // Only the inbox write must survive power loss before we answer 202, so only enqueue batches
    // wait for an fsync (see flushEnqueues). Claims and completions may be lost to a power cut
    // without harm: the delivery is simply processed again, and processing is idempotent.
    this.db.pragma('synchronous = NORMAL');
    const durable = options.synchronous !== 'normal' && options.path !== ':memory:';
    this.walSync = durable ? new WalSync(`${options.path}-wal`) : null;
    this.path = options.path;
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    this.db.pragma('foreign_keys = ON');
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** Prepared statements are cached: preparing costs more than running most of these queries. */
  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** A cached statement that returns rows as arrays. */
  private prepareRaw(sql: string): Database.Statement {
    return this.prepare(sql).raw(true);
  }

  async migrate(): Promise<void> {
    const upgrade = this.db.transaction(() => {
      const current = this.db.pragma('user_version', { simple: true }) as number;
      SQLITE_MIGRATIONS.slice(current).forEach((sql) => this.db.exec(sql));
      this.db.pragma(`user_version = ${SQLITE_MIGRATIONS.length}`);
    });
    upgrade.immediate();
  }

  enqueue(delivery: Delivery): Promise<'stored' | 'duplicate'> {
    return new Promise((resolve, reject) => {
      this.pending.push({ delivery, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.pending.length === 0) return;
    this.flushScheduled = true;
    setImmediate(() => this.flushEnqueues());
  }

  private flushEnqueues(): void {
    this.flushScheduled = false;
    // Arrival order is seq order: while a batch waits for the lock, later deliveries wait behind it.
    if (this.retrying) return;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.startCheckpointer();
    this.writeBatch(batch, Date.now());
  }

  /**
   * Another connection (the engine thread) may hold the write lock for a moment. SQLite's busy
   * handler would sleep on the event loop, stalling every request; instead the batch is retried
   * from a timer, and only a lock held past the busy timeout answers 503.
   */
  private writeBatch(batch: PendingEnqueue[], firstTry: number): void {
    const unavailable = (error: unknown) => {
      const wrapped = new StoreUnavailableError('sqlite: could not store delivery', { cause: error });
      batch.forEach((item) => item.reject(wrapped));
    };
    let results: ('stored' | 'duplicate')[];
    try {
      const insert = this.prepare(
        `INSERT INTO inbox (id, forge, event, ordering_key, headers, received_at, available_at)
         VALUES (@id, @forge, @event, @orderingKey, @headers, @receivedAt, @availableAt)
         ON CONFLICT (id) DO NOTHING`,
      );
      const insertBody = this.prepare('INSERT INTO inbox_body (seq, body) VALUES (?, ?)');
      this.db.pragma('busy_timeout = 0');
      results = this.db.transaction(() =>
        batch.map(({ delivery }) => {
          const inserted = insert.run({
            id: delivery.id,
            forge: delivery.forge,
            event: delivery.event,
            orderingKey: delivery.orderingKey,
            headers: JSON.stringify(delivery.headers),
            receivedAt: delivery.receivedAt,
            availableAt: Date.parse(delivery.receivedAt) || Date.now(),
          });
          if (inserted.changes !== 1) return 'duplicate' as const;
          insertBody.run(inserted.lastInsertRowid, delivery.body);
          return 'stored' as const;
        }),
      )();
    } catch (error) {
      if (isBusy(error) && Date.now() - firstTry < BUSY_TIMEOUT_MS) {
        this.retrying = true;
        setTimeout(() => this.writeBatch(batch, firstTry), 1);
        return;
      }
      this.retryDone();
      unavailable(error);
      return;
    } finally {
      if (this.db.open) this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
    this.retryDone();
    const answer = () => batch.forEach((item, index) => item.resolve(results[index]!));
    // A duplicate waits too: the copy it duplicates may sit in a batch whose fsync is still running.
    if (this.walSync) this.walSync.durable().then(answer, unavailable);
    else answer();
  }

  private retryDone(): void {
    if (!this.retrying) return;
    this.retrying = false;
    this.scheduleFlush();
  }

  private startCheckpointer(): void {
    if (this.checkpointer || this.path === ':memory:') return;
    this.db.pragma('wal_autocheckpoint = 0');
    this.checkpointer = new Checkpointer(this.path, () => {
      if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
    });
  }

  async claim(limit: number, workerId: string, leaseMs: number): Promise<InboxRow[]> {
    const now = Date.now();
    // Walk claimable rows oldest first and keep those that head their ordering key (no older
    // unfinished row of the same key): an index seek per candidate, streamed in seq order, so the
    // search stops after `limit` heads. It runs as a plain read, without the write lock intake
    // needs; the claim itself re-checks every condition under the lock, so a row another worker
    // took (or that stopped being a head) in between is simply not claimed.
    const headsAmong = (candidates: string) =>
      this.prepare(
        `SELECT i.*, b.body FROM inbox i INDEXED BY inbox_status
         JOIN inbox_body b ON b.seq = i.seq
         WHERE ${candidates} AND ${IS_HEAD('i')}
         ORDER BY i.seq LIMIT @limit`,
      );
    const expired = headsAmong(`i.status = 'processing' AND i.lease_until <= @now`).all({
      now,
      limit,
    }) as InboxRecord[];
    const queued = headsAmong(`i.status = 'queued' AND i.available_at <= @now`).all({
      now,
      limit: limit - expired.length,
    }) as InboxRecord[];
    const candidates = [...expired, ...queued].sort((a, b) => Number(a.seq) - Number(b.seq));
    if (candidates.length === 0) return [];
    const take = this.prepare(
      `UPDATE inbox SET status = 'processing', lease_owner = @workerId, lease_until = @leaseUntil,
         attempts = attempts + 1
       WHERE seq = @seq
         AND ((status = 'queued' AND available_at <= @now) OR (status = 'processing' AND lease_until <= @now))
         AND ${IS_HEAD('inbox')}
       RETURNING attempts`,
    );
    const claim = this.db.transaction(() =>
      candidates.flatMap((row) => {
        const taken = take.get({ seq: row.seq, workerId, now, leaseUntil: now + leaseMs }) as
          | { attempts: number }
          | undefined;
        return taken ? [toInboxRow({ ...row, status: 'processing', attempts: taken.attempts })] : [];
      }),
    );
    return claim.immediate();
  }

  async complete(seq: number, workerId: string, outcome: Outcome): Promise<boolean> {
    const commit = this.db.transaction(() => {
      const done = this.prepare(
        `UPDATE inbox SET status = 'done', lease_owner = NULL, lease_until = NULL, last_error = NULL
           WHERE seq = ? AND status = 'processing' AND lease_owner = ?`,
      ).run(seq, workerId);
      if (done.changes !== 1) return false;
      if (outcome.state) this.writeIssueState(outcome.state);
      if (outcome.transitions?.length) this.insertTransitions(outcome.transitions);
      if (outcome.audit?.length) this.insertAudit(outcome.audit);
      return true;
    });
    return commit.immediate();
  }

  async fail(seq: number, workerId: string, error: string, retryAt: Date | null): Promise<void> {
    this.prepare(
      `UPDATE inbox SET status = @status, last_error = @error, available_at = @availableAt,
           lease_owner = NULL, lease_until = NULL
         WHERE seq = @seq AND status = 'processing' AND lease_owner = @workerId`,
    ).run({
      seq,
      workerId,
      error,
      status: retryAt ? 'queued' : 'dead',
      availableAt: retryAt ? retryAt.getTime() : Date.now(),
    });
  }

  async renew(seqs: number[], workerId: string, leaseMs: number): Promise<number> {
    const extend = this.prepare(
      `UPDATE inbox SET lease_until = @leaseUntil WHERE seq = @seq AND status = 'processing' AND lease_owner = @workerId`,
    );
    const leaseUntil = Date.now() + leaseMs;
    return this.db
      .transaction(() => seqs.reduce((n, seq) => n + extend.run({ seq, workerId, leaseUntil }).changes, 0))
      .immediate();
  }

  async prune(before: string): Promise<number> {
    const old = `SELECT seq FROM inbox WHERE status = 'done' AND received_at < @before`;
    const bodies = this.prepare(`DELETE FROM inbox_body WHERE seq IN (${old})`);
    const rows = this.prepare(`DELETE FROM inbox WHERE seq IN (${old})`);
    return this.db
      .transaction(() => {
        bodies.run({ before });
        return rows.run({ before }).changes;
      })
      .immediate();
  }

  async pruneAudit(before: string): Promise<number> {
    return this.prepare('DELETE FROM audit WHERE at < ?').run(before).changes;
  }

  async knownDeliveries(ids: readonly string[]): Promise<Set<string>> {
    const known = new Set<string>();
    // Within SQLite's default limit of bound parameters per statement.
    for (let start = 0; start < ids.length; start += 500) {
      const chunk = ids.slice(start, start + 500);
      const rows = this.prepare(`SELECT id FROM inbox WHERE id IN (${chunk.map(() => '?').join(',')})`).all(
        ...chunk,
      ) as { id: string }[];
      for (const row of rows) known.add(row.id);
    }
    return known;
  }

  async lastReceivedAt(forge: ForgeName): Promise<string | null> {
    const row = this.prepare('SELECT MAX(received_at) AS at FROM inbox WHERE forge = ?').get(forge) as {
      at: string | null;
    };
    return row.at;
  }

  async inboxCounts(): Promise<Record<InboxStatus, number>> {
    const rows = this.prepare('SELECT status, COUNT(*) AS n FROM inbox GROUP BY status').all() as {
      status: InboxStatus;
      n: number;
    }[];
    return { ...EMPTY_COUNTS, ...Object.fromEntries(rows.map((row) => [row.status, row.n])) };
  }

  async listInbox(status: InboxStatus, limit: number): Promise<InboxRow[]> {
    const rows = this.prepare(
      'SELECT i.*, b.body FROM inbox i JOIN inbox_body b ON b.seq = i.seq WHERE i.status = ? ORDER BY i.seq LIMIT ?',
    ).all(status, limit) as InboxRecord[];
    return rows.map(toInboxRow);
  }

  async requeue(target: { ids: string[] } | { allDead: true }): Promise<number> {
    const now = Date.now();
    if ('allDead' in target) {
      return this.prepare(
        `UPDATE inbox SET status = 'queued', attempts = 0, available_at = ? WHERE status = 'dead'`,
      ).run(now).changes;
    }
    const requeueOne = this.prepare(
      `UPDATE inbox SET status = 'queued', attempts = 0, available_at = ? WHERE id = ? AND status IN ('dead', 'done')`,
    );
    return this.db.transaction(() => target.ids.reduce((n, id) => n + requeueOne.run(now, id).changes, 0))();
  }

  async getIssueState(ref: IssueRef): Promise<IssueState | null> {
    const row =
      ref.iid === 0 && ref.nodeId
        ? this.prepare('SELECT state FROM issue_state WHERE node_id = ?').get(ref.nodeId)
        : this.prepare('SELECT state FROM issue_state WHERE key = ?').get(issueKey(ref));
    return row ? parseIssueState((row as { state: string }).state) : null;
  }

  async putIssueState(state: IssueState): Promise<void> {
    this.writeIssueState(state);
  }

  private writeIssueState(state: IssueState): void {
    this.prepare(
      `INSERT INTO issue_state (key, forge, project, iid, node_id, state, updated_at, seq)
         VALUES (@key, @forge, @project, @iid, @nodeId, @state, @updatedAt, ${NEXT_SEQ('issue_state')})
         ON CONFLICT (key) DO UPDATE SET node_id = COALESCE(excluded.node_id, issue_state.node_id),
           state = excluded.state, updated_at = excluded.updated_at, seq = ${NEXT_SEQ('issue_state')}`,
    ).run({
      key: issueKey(state.ref),
      forge: state.ref.forge,
      project: state.ref.project,
      iid: state.ref.iid,
      nodeId: state.ref.nodeId ?? null,
      state: JSON.stringify(state),
      updatedAt: state.updatedAt,
    });
  }

  async recordTransitions(transitions: Transition[]): Promise<number> {
    return this.db.transaction(() => this.insertTransitions(transitions))();
  }

  private insertTransitions(transitions: Transition[]): number {
    const insert = this.prepare(
      `INSERT INTO transitions (forge, project, iid, at, to_stage, from_stage, actor, source, kind, segment, seq)
       VALUES (@forge, @project, @iid, @at, @to, @from, @actor, @source, @kind, @segment, ${NEXT_SEQ('transitions')})
       ON CONFLICT DO NOTHING`,
    );
    return transitions.reduce(
      (n, t) => n + insert.run({ ...t, kind: t.kind ?? null, segment: t.segment ?? null }).changes,
      0,
    );
  }

  async transitions(filter: TransitionFilter): Promise<Transition[]> {
    const { where, params } = whereClause({
      forge: filter.forge,
      project: filter.project,
      iid: filter.iid,
      'at >=': filter.from,
      'at <': filter.to,
    });
    const rows = this.prepare(`SELECT * FROM transitions ${where} ORDER BY forge, project, iid, at`).all(
      params,
    ) as TransitionRecord[];
    return rows.map(toTransition);
  }

  async issueHistory(ref: Pick<IssueRef, 'forge' | 'project' | 'iid'>): Promise<IssueHistory> {
    // A read transaction: the engine thread's (or another process's) connection may commit a
    // completion between two statements; inside one, both read the same snapshot of the WAL.
    return this.db.transaction(() => {
      const row = this.prepare('SELECT state FROM issue_state WHERE key = ?').get(issueKey(ref)) as
        | { state: string }
        | undefined;
      const rows = this.prepare(
        'SELECT * FROM transitions WHERE forge = ? AND project = ? AND iid = ? ORDER BY at, to_stage',
      ).all(ref.forge, ref.project, ref.iid) as TransitionRecord[];
      return { state: row ? parseIssueState(row.state) : null, transitions: rows.map(toTransition) };
    })();
  }

  async changesSince(after: ChangeCursor, limit: number): Promise<Changes> {
    // Raw rows: a first read takes every transition, and one object per row is enough.
    const transitions = this.prepareRaw(
      `SELECT seq, forge, project, iid, at, to_stage, from_stage, actor, source, kind, segment
       FROM transitions WHERE seq > ? ORDER BY seq LIMIT ?`,
    ).all(after.transitions, limit) as TransitionRow[];
    const states = this.prepareRaw('SELECT seq, state FROM issue_state WHERE seq > ? ORDER BY seq LIMIT ?').all(
      after.states,
      limit,
    ) as [number, string][];
    return {
      transitions: transitions.map(([, forge, project, iid, at, to, from, actor, source, kind, segment]) => ({
        forge,
        project,
        iid,
        at,
        to,
        from,
        actor,
        source,
        kind,
        segment,
      })),
      states: states.map(([, state]) => parseIssueState(state)),
      cursor: { transitions: transitions.at(-1)?.[0] ?? after.transitions, states: states.at(-1)?.[0] ?? after.states },
    };
  }

  async issueStates(filter: { forge?: string; project?: string }): Promise<IssueState[]> {
    const { where, params } = whereClause({ forge: filter.forge, project: filter.project });
    const rows = this.prepare(`SELECT state FROM issue_state ${where}`).all(params) as { state: string }[];
    return rows.map((row) => parseIssueState(row.state));
  }

  async recordAudit(entries: AuditEntry[]): Promise<void> {
    this.db.transaction(() => this.insertAudit(entries))();
  }

  private insertAudit(entries: AuditEntry[]): void {
    const insert = this.prepare(
      `INSERT INTO audit (at, delivery_id, forge, project, iid, action, detail, result, api_calls, latency_ms)
       VALUES (@at, @deliveryId, @forge, @project, @iid, @action, @detail, @result, @apiCalls, @latencyMs)`,
    );
    for (const entry of entries) insert.run({ ...entry, detail: JSON.stringify(entry.detail ?? null) });
  }

  async audit(filter: { limit: number; forge?: string; project?: string; iid?: number }): Promise<AuditEntry[]> {
    const { where, params } = whereClause({ forge: filter.forge, project: filter.project, iid: filter.iid });
    const rows = this.prepare(`SELECT * FROM audit ${where} ORDER BY seq DESC LIMIT @limit`).all({
      ...params,
      limit: filter.limit,
    }) as AuditRecord[];
    return rows.map(toAuditEntry);
  }

  async getCursor(name: string): Promise<string | null> {
    const row = this.prepare('SELECT value FROM cursors WHERE name = ?').get(name) as { value: string } | undefined;
    return row?.value ?? null;
  }

  async setCursor(name: string, value: string, hold?: LeaseHold): Promise<boolean> {
    const upsert = this.prepare(
      'INSERT INTO cursors (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    );
    if (!hold) {
      upsert.run(name, value);
      return true;
    }
    return this.db
      .transaction(() => {
        if (!this.isHeld(hold)) return false;
        upsert.run(name, value);
        return true;
      })
      .immediate();
  }

  /** Inside a write transaction, so no takeover can come between the check and the write. */
  private isHeld(hold: LeaseHold): boolean {
    return (
      this.prepare('SELECT 1 FROM leases WHERE name = @name AND holder = @holder AND until_ms > @now').get({
        ...hold,
        now: Date.now(),
      }) !== undefined
    );
  }

  async holdLease(hold: LeaseHold, ms: number): Promise<boolean> {
    const now = Date.now();
    const taken = this.prepare(
      `INSERT INTO leases (name, holder, until_ms) VALUES (@name, @holder, @until)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms
       WHERE leases.holder = excluded.holder OR leases.until_ms <= @now`,
    ).run({ ...hold, until: now + ms, now });
    return taken.changes === 1;
  }

  async policyMemory(): Promise<PolicyMemoryRow[]> {
    const rows = this.prepare('SELECT key, memory FROM policy_memory').all() as { key: string; memory: string }[];
    return rows.map((row) => ({ key: row.key, memory: JSON.parse(row.memory) as unknown }));
  }

  async putPolicyMemory(rows: PolicyMemoryRow[], hold: LeaseHold): Promise<boolean> {
    const upsert = this.prepare(
      'INSERT INTO policy_memory (key, memory) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET memory = excluded.memory',
    );
    return this.db
      .transaction(() => {
        if (!this.isHeld(hold)) return false;
        for (const row of rows) upsert.run(row.key, JSON.stringify(row.memory));
        return true;
      })
      .immediate();
  }

  async ping(): Promise<void> {
    if (this.walSync?.failure)
      throw new StoreUnavailableError('sqlite: an fsync of the WAL failed; restart the service', {
        cause: this.walSync.failure,
      });
    try {
      this.prepare('SELECT 1').get();
    } catch (error) {
      throw new StoreUnavailableError('sqlite: not reachable', { cause: error });
    }
  }

  async close(): Promise<void> {
    if (this.pending.length > 0) this.flushEnqueues();
    await this.walSync?.close();
    await this.checkpointer?.close();
    this.db.close();
  }
}

/** Builds `WHERE a = @a AND at >= @p1 …` from the defined entries; keys may carry an operator. */
function whereClause(conditions: Record<string, string | number | undefined>): {
  where: string;
  params: Record<string, string | number>;
} {
  const clauses: string[] = [];
  const params: Record<string, string | number> = {};
  Object.entries(conditions).forEach(([key, value], index) => {
    if (value === undefined) return;
    const [column, operator = '='] = key.split(' ');
    clauses.push(`${column} ${operator} @p${index}`);
    params[`p${index}`] = value;
  });
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
