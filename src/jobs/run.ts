import type { Store } from '../store/store.js';
import { LeaseLostError, type JobContext, type JobLog, type LeasedJob } from './job.js';

export interface JobRunDeps {
  store: Store;
  /** This process as the lease holder (see holderId). */
  holder: string;
  log: JobLog;
  now?: () => Date;
  /** The scheduler's: aborted when it stops. */
  signal?: AbortSignal;
}

export type JobRun<Result> =
  | { status: 'ran'; result: Result; durationMs: number }
  /** Another replica (or command) holds the lease right now. */
  | { status: 'held-elsewhere' }
  | { status: 'not-due' };

/**
 * Run `job` once if this process gets its lease and the job is due: renew the lease while it
 * runs, record the finished run in the job's cursor (fenced by the lease), then free the lease.
 * Throws what the job throws, and LeaseLostError when the lease was taken over meanwhile.
 */
export async function runLeasedJob<Result>(job: LeasedJob<Result>, deps: JobRunDeps): Promise<JobRun<Result>> {
  const { store, log } = deps;
  const now = deps.now ?? (() => new Date());
  const hold = { name: job.name, holder: deps.holder };
  if (!(await store.holdLease(hold, job.leaseMs))) return { status: 'held-elsewhere' };
  const leaseLost = new AbortController();
  const signal = deps.signal ? AbortSignal.any([deps.signal, leaseLost.signal]) : leaseLost.signal;
  let lost = false;
  const markLost = () => {
    lost = true;
    leaseLost.abort(new LeaseLostError(job.name));
  };
  // Once lost, never taken back mid-run: the successor may already be acting.
  const stillHeld = async () => {
    if (!lost && !(await store.holdLease(hold, job.leaseMs))) markLost();
    return !lost;
  };
  const heartbeat = setInterval(() => {
    stillHeld().catch((error: unknown) =>
      log.warn({ err: error, job: job.name }, `${job.name}: renewing the lease failed`),
    );
  }, job.leaseMs / 3);
  heartbeat.unref();
  try {
    const cursor = `${job.name}.${job.schedule.cursor}`;
    // Asked under the lease, so two replicas never both find the same period due.
    const key = job.schedule.due(now(), await store.getCursor(cursor));
    if (key === null) return { status: 'not-due' };
    const started = performance.now();
    const context: JobContext = {
      store,
      hold,
      now,
      log,
      stillHeld,
      keepLease: async () => {
        if (!(await stillHeld())) throw new LeaseLostError(job.name);
      },
      setCursor: (name, value) => store.setCursor(name, value, hold),
      signal,
    };
    const result = await job.run(context);
    if (!(await store.setCursor(cursor, job.schedule.finished(key, now()), hold))) throw new LeaseLostError(job.name);
    return { status: 'ran', result, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    if (error instanceof LeaseLostError) lost = true;
    throw error;
  } finally {
    clearInterval(heartbeat);
    // Freed at once (a lease of 0 ms is the store's release): the next run, any replica's or a
    // command's, need not wait for it to lapse. A lost lease is the successor's to free.
    if (!lost) await store.holdLease(hold, 0).catch(() => {});
  }
}
