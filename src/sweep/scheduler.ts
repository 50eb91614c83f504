import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../logger.js';
import type { SweepReport } from './report.js';
import { runSweep, type SweepOptions } from './run.js';

/** This process as a sweep lease holder: readable in the store, unique per start. */
export function sweeperId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

export interface SweeperOptions extends Omit<SweepOptions, 'preview' | 'skipIfSweptWithinMs' | 'log'> {
  intervalMs: number;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Each finished sweep's report (the service metrics record it). */
  onReport?: (report: SweepReport) => void;
}

/** The first sweep comes soon after start, not a whole interval later. */
const FIRST_SWEEP_MAX_DELAY_MS = 10_000;

/**
 * Sweeps every interval inside `serve`. Every replica runs one; the store lease lets one of them
 * sweep at a time, and the last sweep's finish time keeps them at one sweep per interval between
 * them. A replica that dies mid-sweep loses the lease after `sweep.leaseSeconds`, and the next
 * replica to tick takes over.
 */
export class Sweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: SweeperOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule(Math.min(this.options.intervalMs, FIRST_SWEEP_MAX_DELAY_MS));
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = null;
        this.schedule(this.options.intervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const { log, intervalMs, onReport } = this.options;
    try {
      // A little less than the interval, so timer drift never makes every other tick a skip.
      const report = await runSweep({ ...this.options, skipIfSweptWithinMs: intervalMs * 0.8 });
      if (!report) return;
      const changes = report.rows.filter((row) => row.result !== 'skipped').length;
      log.info({ durationMs: report.durationMs, changes, failed: report.rows.filter((r) => r.result === 'failed').length }, 'sweep finished');
      onReport?.(report);
    } catch (error) {
      log.error({ err: error }, 'sweep failed; trying again next interval');
    }
  }

  /** No new sweep; waits for one in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
