import type { Store } from '../store/store.js';

const DAY_MS = 86_400_000;

/** How long to keep each kind of record, in days; 0 keeps it forever. */
export interface Retention {
  doneDeliveryDays: number;
  auditDays: number;
}

/** What one pruning deleted; null for a kind that is kept forever. */
export interface Pruned {
  deliveries: { deleted: number; before: string } | null;
  audit: { deleted: number; before: string } | null;
}

export function keepsAnything(retention: Retention): boolean {
  return retention.doneDeliveryDays > 0 || retention.auditDays > 0;
}

async function pruneOlderThan(days: number, now: Date, prune: (before: string) => Promise<number>) {
  if (days <= 0) return null;
  const before = new Date(now.getTime() - days * DAY_MS).toISOString();
  return { deleted: await prune(before), before };
}

/** Delete done deliveries and audit entries past their retention (the hourly job and `boardkeeper prune`). */
export async function pruneExpired(
  store: Pick<Store, 'prune' | 'pruneAudit'>,
  retention: Retention,
  now: Date,
): Promise<Pruned> {
  return {
    deliveries: await pruneOlderThan(retention.doneDeliveryDays, now, (before) => store.prune(before)),
    audit: await pruneOlderThan(retention.auditDays, now, (before) => store.pruneAudit(before)),
  };
}
