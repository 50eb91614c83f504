import type { Alerter } from '../alerts/alert.js';
import type { Config } from '../config/schema.js';
import type { ForgeName } from '../domain/types.js';
import type { ForgeClient } from '../forges/forge.js';
import type { LeasedJob } from '../jobs/job.js';
import { everyInterval } from '../jobs/schedules.js';
import type { Logger } from '../logger.js';
import type { MetricsSink } from '../observability/events.js';
import type { Store } from '../store/store.js';
import type { SweepReport } from '../sweep/report.js';
import { sweepJob } from '../sweep/run.js';
import { pruneJob } from './prune-job.js';
import { keepsAnything } from './retention.js';

/** What a job's factory may use: the engine's own store connection, forge clients and alerter. */
export interface JobDeps {
  config: Config;
  store: Store;
  /** null: that forge is in dry-run. */
  clients: Record<ForgeName, ForgeClient | null>;
  alerter: Alerter;
  log: Logger;
  /** The service metrics (a room's job may count into them: catch-up's hook health). */
  metrics?: MetricsSink;
  /** Each finished sweep's report (the service metrics record it). */
  onSweep?: (report: SweepReport) => void;
}

/**
 * Every leased job the engine runs, in one place. A factory returns null when the config turns
 * its job off. Add a job here (see "Adding a leased job" in docs/architecture.md).
 */
const REGISTERED = {
  // Beside the worker: same forge clients and request policy, and its CPU (metrics over every
  // issue) stays off the thread that acknowledges webhooks.
  sweep: ({ config, store, clients, alerter, log, onSweep }: JobDeps): LeasedJob<SweepReport> | null =>
    config.sweep.enabled
      ? {
          ...sweepJob(
            { config, store, clients, alerter, log: log.child({ component: 'sweep' }) },
            everyInterval(config.sweep.intervalMinutes * 60_000),
          ),
          finished: onSweep,
        }
      : null,
  prune: ({ config }: JobDeps) => {
    const retention = { doneDeliveryDays: config.worker.retainDoneDays, auditDays: config.audit.retainDays };
    return keepsAnything(retention) ? pruneJob(retention) : null;
  },
} satisfies Record<string, (deps: JobDeps) => LeasedJob | null>;

export type JobName = keyof typeof REGISTERED;
export const JOB_NAMES = Object.keys(REGISTERED) as JobName[];

/**
 * A room's jobs (catch-up, …), built by the wiring (engine/thread-entry.ts, service.ts), which
 * alone may import rooms; null where the config turns one off.
 */
export type RoomJobs = (deps: JobDeps) => ReadonlyArray<LeasedJob | null>;

/** The registered jobs among `names` that the config turns on. */
export function registeredJobs(deps: JobDeps, names: readonly JobName[] = JOB_NAMES): LeasedJob[] {
  return names.map((name) => REGISTERED[name](deps)).filter((job) => job !== null);
}
