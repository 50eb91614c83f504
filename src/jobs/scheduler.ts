import type { Store } from '../store/store.js';
import type { JobLog, LeasedJob } from './job.js';
import { runLeasedJob } from './run.js';

export interface JobSchedulerOptions {
  store: Store;
  /** This process as the lease holder of every job (see holderId). */
  holder: string;
  log: JobLog;
  now?: () => Date;
  /** The first check of each job comes this soon after start (or at its interval, if shorter). */
  firstCheckWithinMs?: number;
}

const FIRST_CHECK_WITHIN_MS = 10_000;

/**
 * Runs every job on its own timer inside `serve` (or the in-process engine). Every replica runs
 * one; each job's lease lets one of them run it at a time and its cursor keeps them at one run
 * per period between them. A replica that dies mid-run loses the lease after the job's `leaseMs`,
 * and the next replica to check takes over.
 */
export class JobScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopping = new AbortController();
  private started = false;

  constructor(
    readonly jobs: readonly LeasedJob[],
    private readonly options: JobSchedulerOptions,
  ) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = new AbortController();
    const firstWithin = this.options.firstCheckWithinMs ?? FIRST_CHECK_WITHIN_MS;
    for (const job of this.jobs) this.schedule(job, Math.min(job.schedule.checkEveryMs, firstWithin));
  }

  private schedule(job: LeasedJob, delayMs: number): void {
    if (this.stopping.signal.aborted) return;
    const timer = setTimeout(() => {
      const check = this.check(job).finally(() => {
        this.running.delete(check);
        this.schedule(job, job.schedule.checkEveryMs);
      });
      this.running.add(check);
    }, delayMs);
    timer.unref();
    this.timers.set(job.name, timer);
  }

  private async check(job: LeasedJob): Promise<void> {
    const { log } = this.options;
    try {
      const run = await runLeasedJob(job, { ...this.options, signal: this.stopping.signal });
      if (run.status !== 'ran') return;
      log.info({ job: job.name, durationMs: run.durationMs, ...job.summarize?.(run.result) }, `${job.name} finished`);
      job.finished?.(run.result);
    } catch (error) {
      log.error({ err: error, job: job.name }, `${job.name} failed; trying again at its next check`);
    }
  }

  /** No new run; aborts the runs in progress (their signal) and waits for them. */
  async stop(): Promise<void> {
    this.started = false;
    this.stopping.abort();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }
}
