import type { AuditEntry, ForgeName, IssueRef, IssueState, Transition } from '../domain/types.js';

/** A webhook delivery exactly as received: what is needed to verify-free replay it later. */
export interface Delivery {
  /** Idempotency-Key (else X-Gitlab-Event-UUID) / X-GitHub-Delivery. Unique. */
  id: string;
  forge: ForgeName;
  /** X-Gitlab-Event / X-GitHub-Event (+ `.action` for GitHub when known). */
  event: string;
  /** One issue's deliveries share a key and are processed strictly in arrival order. */
  orderingKey: string;
  /** The headers that matter for processing (never secrets). */
  headers: Record<string, string>;
  body: string;
  receivedAt: string;
}

export type InboxStatus = 'queued' | 'processing' | 'done' | 'dead';

export interface InboxRow extends Delivery {
  /** Arrival order, assigned by the store. */
  seq: number;
  status: InboxStatus;
  attempts: number;
  lastError: string | null;
  availableAt: string;
}

/** Everything a handled delivery changes, committed atomically with its completion. */
export interface Outcome {
  state?: IssueState;
  transitions?: Transition[];
  audit?: AuditEntry[];
}

export interface TransitionFilter {
  forge?: ForgeName;
  project?: string;
  iid?: number;
  /** Only transitions at or after / before these ISO instants. */
  from?: string;
  to?: string;
}

/** A named lease and the one who should be holding it (e.g. the sweep and this replica's sweeper). */
export interface LeaseHold {
  name: string;
  holder: string;
}

/** One issue's memory of the time-driven policies, keyed by `issueKey`. */
export interface PolicyMemoryRow {
  key: string;
  memory: unknown;
}

/**
 * How far a reader of `changesSince` has got: the insertion sequence of the last transition and of
 * the last issue-state write it has seen. `{ transitions: 0, states: 0 }` is the beginning.
 */
export interface ChangeCursor {
  transitions: number;
  states: number;
}

export interface Changes {
  /** In insertion order. */
  transitions: Transition[];
  /** Each state as last written, in write order. */
  states: IssueState[];
  /** Pass this to the next call. */
  cursor: ChangeCursor;
}

/** One issue's state and its transitions, as of one instant of the store. */
export interface IssueHistory {
  state: IssueState | null;
  /** In time order. */
  transitions: Transition[];
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Create or upgrade the schema. Safe to run concurrently from several processes. */
  migrate(): Promise<void>;
  /** Durably store a delivery. Idempotent on `delivery.id`. */
  enqueue(delivery: Delivery): Promise<'stored' | 'duplicate'>;
  /**
   * Claim up to `limit` deliveries to process: for each ordering key only its oldest
   * unfinished delivery, and only if nobody holds a live lease on it. A claim is a lease
   * of `leaseMs`; an expired lease may be claimed again by anyone.
   */
  claim(limit: number, workerId: string, leaseMs: number): Promise<InboxRow[]>;
  /** Mark done and commit its outcome in one transaction. A no-op if the claim was lost. */
  complete(seq: number, workerId: string, outcome: Outcome): Promise<boolean>;
  /** Record a failed attempt: retry at `retryAt`, or dead-letter when `retryAt` is null. */
  fail(seq: number, workerId: string, error: string, retryAt: Date | null): Promise<void>;
  /**
   * Extend the leases this worker holds on deliveries still being processed, so slow work is not
   * taken over (and run twice) while it is alive. Returns how many leases were extended.
   */
  renew(seqs: number[], workerId: string, leaseMs: number): Promise<number>;
  /**
   * Delete done deliveries received before `before` (ISO instant). Their ids are forgotten: keep
   * them longer than any forge would redeliver. Returns how many were deleted.
   */
  prune(before: string): Promise<number>;
  /** Delete audit entries recorded before `before` (ISO instant). Returns how many were deleted. */
  pruneAudit(before: string): Promise<number>;
  /**
   * Which of these delivery ids the inbox holds, whatever their status (catch-up asks before it
   * redelivers). A pruned delivery is forgotten: `worker.retainDoneDays` must outlast the forges' logs.
   */
  knownDeliveries(ids: readonly string[]): Promise<Set<string>>;
  /** When the newest delivery from this forge the inbox holds was received (ISO instant), or null. */
  lastReceivedAt(forge: ForgeName): Promise<string | null>;
  inboxCounts(): Promise<Record<InboxStatus, number>>;
  listInbox(status: InboxStatus, limit: number): Promise<InboxRow[]>;
  /** Requeue deliveries by id, or every dead letter. Returns how many were requeued. */
  requeue(target: { ids: string[] } | { allDead: true }): Promise<number>;
  getIssueState(ref: IssueRef): Promise<IssueState | null>;
  putIssueState(state: IssueState): Promise<void>;
  /** Idempotent: a transition with the same (issue, from, to, at) is stored once. Returns how many were new. */
  recordTransitions(transitions: Transition[]): Promise<number>;
  transitions(filter: TransitionFilter): Promise<Transition[]>;
  /**
   * One issue's state and transitions from one consistent read (one transaction on SQLite, one
   * REPEATABLE READ snapshot on PostgreSQL): a completion committing meanwhile is seen in both or in
   * neither, so an answer built from them never shows a state its transitions do not reach. A null
   * state and no transitions for an issue the store does not know.
   */
  issueHistory(ref: Pick<IssueRef, 'forge' | 'project' | 'iid'>): Promise<IssueHistory>;
  /**
   * Transitions recorded and issue states written after `after`, at most `limit` of each; fewer
   * than `limit` of both means the reader is up to date. Every row is returned exactly once
   * across calls that chain their cursors: a write that commits later than a read never gets a
   * sequence below what that read returned (the metrics snapshot reads only what is new this way).
   */
  changesSince(after: ChangeCursor, limit: number): Promise<Changes>;
  /** Every known issue state (metrics need kind/segment/state for issues). */
  issueStates(filter: { forge?: ForgeName; project?: string }): Promise<IssueState[]>;
  recordAudit(entries: AuditEntry[]): Promise<void>;
  audit(filter: { limit: number; forge?: ForgeName; project?: string; iid?: number }): Promise<AuditEntry[]>;
  /** Key/value cursor (backfill resume points, when a leased job last ran). */
  getCursor(name: string): Promise<string | null>;
  /**
   * Write a cursor; with `hold`, only while that lease is live (fencing, as for policy memory: a
   * job whose lease lapsed and was taken over writes nothing). Returns false, having written
   * nothing, when `hold` is not held; true otherwise.
   */
  setCursor(name: string, value: string, hold?: LeaseHold): Promise<boolean>;
  /**
   * Take or keep a named lease for `hold.holder` until `ms` from now (on the store's clock): granted
   * when the lease is free, expired, or already the holder's. Returns whether the holder has it now.
   * Exactly one of several replicas (or of `serve` and a `sweep` command on one SQLite file) wins.
   */
  holdLease(hold: LeaseHold, ms: number): Promise<boolean>;
  /** Every issue's stored policy memory. */
  policyMemory(): Promise<PolicyMemoryRow[]>;
  /**
   * Store policy memories, but only while `hold` is live (fencing: a sweeper whose lease lapsed and
   * was taken over writes nothing). Returns false, having written nothing, when it is not held.
   */
  putPolicyMemory(rows: PolicyMemoryRow[], hold: LeaseHold): Promise<boolean>;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Thrown when the store cannot accept writes; intake answers 503 and catch-up (src/catchup) recovers the delivery later. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
