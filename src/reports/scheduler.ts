import { Cron } from 'croner';
import type { Logger } from '../logger.js';
import { runDigest, type DigestOptions } from './run.js';

export interface DigestSchedulerOptions extends Omit<DigestOptions, 'period' | 'preview' | 'log'> {
  log: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  /** Between firings, how often a replica looks whether a digest is still owed (a failed destination, a restart). */
  checkEveryMs?: number;
}

const DEFAULT_CHECK_EVERY_MS = 5 * 60_000;
/** The first look comes soon after start, so a digest owed from before a restart goes out. */
const FIRST_CHECK_DELAY_MS = 1_000;

/**
 * Sends the digest inside `serve`: at each firing of `reports.digest.schedule` (croner, in its time
 * zone) and at every check between, every replica asks `runDigest`, whose lease and per-period
 * cursor let exactly one of them send each period's digest, once.
 */
export class DigestScheduler {
  private cron: Cron | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly options: DigestSchedulerOptions) {}

  start(): void {
    const { schedule, timeZone } = this.options.config.reports.digest;
    this.cron = new Cron(schedule, { timezone: timeZone, unref: true }, () => this.check());
    this.timer = setInterval(() => this.check(), this.options.checkEveryMs ?? DEFAULT_CHECK_EVERY_MS);
    this.timer.unref();
    setTimeout(() => this.check(), FIRST_CHECK_DELAY_MS).unref();
  }

  /** One look at a time: a slow send is not joined by a second one from this replica. */
  private check(): void {
    if (this.running || !this.cron) return;
    const { log } = this.options;
    this.running = runDigest({ ...this.options, log })
      .then((run) => {
        const sent = run?.deliveries.filter((row) => row.result !== 'already') ?? [];
        if (run && sent.length > 0) log.info({ period: run.period.key, deliveries: sent, issue: run.issueUrl }, 'digest sent');
        else log.debug({ period: run?.period.key ?? null, why: run ? 'delivered before' : 'not due, or another replica is sending it' }, 'digest: nothing to send');
      })
      .catch((error: unknown) => log.error({ err: error }, 'digest failed; trying again at the next check'))
      .finally(() => (this.running = null));
  }

  /** No new check; waits for one in progress. */
  async stop(): Promise<void> {
    this.cron?.stop();
    this.cron = null;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
