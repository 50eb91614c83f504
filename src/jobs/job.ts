import type { Logger } from '../logger.js';
import type { LeaseHold, Store } from '../store/store.js';

export type JobLog = Pick<Logger, 'info' | 'warn' | 'error'>;

/**
 * When a job is due. The runner keeps one cursor per job (`<job name>.<cursor>`), written only
 * while the job's lease is live, and asks `due` under the lease, so replicas run it once per
 * period between them.
 */
export interface Schedule {
  /** How often the scheduler asks whether the job is due. */
  readonly checkEveryMs: number;
  /** The cursor's name after the job's: `sweep.finishedAt`, `digest.period`. */
  readonly cursor: string;
  /** The key of the run due at `now`, or null when none is (`last`: the cursor's value, null before the first run). */
  due(now: Date, last: string | null): string | null;
  /** What the cursor holds once the run for `key` finished at `finishedAt`. */
  finished(key: string, finishedAt: Date): string;
}

/** What a job gets from the runner instead of reaching into globals. */
export interface JobContext {
  readonly store: Store;
  /** The job's lease and this process as its holder; pass it to fenced store writes. */
  readonly hold: LeaseHold;
  /** The clock the job measures time with (the demo's is simulated). */
  now(): Date;
  readonly log: JobLog;
  /** Renew the lease now; false when another holder has taken it over. */
  stillHeld(): Promise<boolean>;
  /** Renew the lease now, or throw LeaseLostError: call it before each change that must not be made twice. */
  keepLease(): Promise<void>;
  /** Write a cursor of the job's own, only while the lease is live; false when fenced off. */
  setCursor(name: string, value: string): Promise<boolean>;
  /** Aborted when the scheduler stops or the lease is lost: stop early, nothing more is wanted. */
  readonly signal: AbortSignal;
}

/**
 * A periodic job that runs once at a time across replicas (and beside a command such as
 * `boardkeeper sweep`): the runner holds the store lease `name` for it, renews it while `run` goes
 * on, skips when `schedule` says it is not due, records the finished run fenced by the lease, and
 * frees the lease at the end.
 */
export interface LeasedJob<Result = unknown> {
  /** The store lease, the cursor's prefix and the `job` field of its log lines. */
  readonly name: string;
  readonly schedule: Schedule;
  /** Held this long from each renewal; renewed every third of it while `run` goes on. */
  readonly leaseMs: number;
  run(context: JobContext): Promise<Result>;
  /** The fields of the "finished" log line. */
  summarize?(result: Result): Record<string, unknown>;
  /** Told each finished run's result (e.g. the sweep's report goes to the service metrics). */
  finished?(result: Result): void;
}

/** The lease was lost mid-run (this process stalled past it and another holder took over). */
export class LeaseLostError extends Error {
  constructor(readonly job: string) {
    super(`the ${job} lease was taken over by another holder; this run stopped`);
    this.name = 'LeaseLostError';
  }
}
