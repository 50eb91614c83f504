import { noAlerts, type Alerter } from '../alerts/alert.js';
import type { Config } from '../config/schema.js';
import type { ForgeName } from '../domain/types.js';
import type { ForgeClient } from '../forges/forge.js';
import { holderId } from '../jobs/holder.js';
import { JobScheduler } from '../jobs/scheduler.js';
import type { Logger } from '../logger.js';
import type { MetricsSink } from '../observability/events.js';
import type { Store } from '../store/store.js';
import type { SweepReport } from '../sweep/report.js';
import type { Engine } from './engine.js';
import { JOB_NAMES, registeredJobs, type JobName, type RoomJobs } from './jobs.js';
import { createPipeline, type PipelineOptions } from './pipeline.js';
import { Worker } from './worker.js';

export interface LocalEngineOptions {
  config: Config;
  store: Store;
  webhooks: PipelineOptions['webhooks'];
  /** null: that forge is in dry-run. */
  clients: Record<ForgeName, ForgeClient | null>;
  log: Logger;
  metrics?: MetricsSink;
  /** Told about dead letters and the sweep's alerts. */
  alerter?: Alerter;
  /** The clock the pipeline and the jobs measure time with. */
  now?: () => Date;
  /** Which registered jobs run beside the worker (those the config turns on); by default all. */
  jobs?: readonly JobName[];
  /** Each job's first check comes this soon after start; see JobScheduler. */
  firstCheckWithinMs?: number;
  onSweep?: (report: SweepReport) => void;
  /** The rooms' jobs to run too (the wiring builds them: catch-up). */
  roomJobs?: RoomJobs;
}

/** The worker and the leased jobs on one thread: the engine thread's, or the caller's (tests, commands). */
export class LocalEngine implements Engine {
  constructor(
    readonly worker: Worker,
    readonly jobs: JobScheduler,
  ) {}

  get isRunning(): boolean {
    return this.worker.isRunning;
  }

  start(): void {
    this.worker.start();
    this.jobs.start();
  }

  notify(): void {
    this.worker.notify();
  }

  /** Jobs in progress are told to stop (their signal) and waited for; the worker waits for its deliveries up to `graceMs`. */
  async stop(graceMs?: number): Promise<void> {
    await Promise.all([this.worker.stop(graceMs), this.jobs.stop()]);
  }
}

export function createLocalEngine(options: LocalEngineOptions): LocalEngine {
  const { config, store, clients, log, now } = options;
  const alerter = options.alerter ?? noAlerts;
  const worker = new Worker({
    store,
    settings: config.worker,
    log: log.child({ component: 'worker' }),
    metrics: options.metrics,
    alerter: options.alerter,
    handler: createPipeline({ config, store, webhooks: options.webhooks, clients, now }),
  });
  const deps = { config, store, clients, alerter, log, metrics: options.metrics, onSweep: options.onSweep };
  const rooms = (options.roomJobs?.(deps) ?? []).filter((job) => job !== null);
  const jobs = [...registeredJobs(deps, options.jobs ?? JOB_NAMES), ...rooms];
  const scheduler = new JobScheduler(jobs, {
    store,
    holder: holderId(),
    log: log.child({ component: 'jobs' }),
    now,
    firstCheckWithinMs: options.firstCheckWithinMs,
  });
  return new LocalEngine(worker, scheduler);
}
