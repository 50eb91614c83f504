import type { LeasedJob } from '../jobs/job.js';
import { everyInterval } from '../jobs/schedules.js';
import { pruneExpired, type Pruned, type Retention } from './retention.js';

const PRUNE_EVERY_MS = 60 * 60_000;
/** Two deletes; a lease far longer than they take, so a stalled pruner is taken over within minutes. */
const PRUNE_LEASE_MS = 10 * 60_000;

/** Forget done deliveries and audit entries past their retention, hourly across replicas, so neither grows without bound. */
export function pruneJob(retention: Retention): LeasedJob<Pruned> {
  return {
    name: 'prune',
    schedule: everyInterval(PRUNE_EVERY_MS),
    leaseMs: PRUNE_LEASE_MS,
    run: (context) => pruneExpired(context.store, retention, context.now()),
    summarize: (pruned) => ({ deliveries: pruned.deliveries, audit: pruned.audit }),
  };
}
