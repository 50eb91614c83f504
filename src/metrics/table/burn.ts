import { BURN_BUCKETS, burnBucket, type BurnBucket } from '../../domain/effort.js';
import { orNull, type IssueTable } from './table.js';

/** The selected open issues by burn bucket (every bucket listed, in order), and the hours they logged. */
export function burnReport(
  table: IssueTable,
  selection: Uint32Array,
): { spentHours: number; byBurn: Record<BurnBucket, number> } {
  const byBurn = Object.fromEntries(BURN_BUCKETS.map((bucket) => [bucket, 0])) as Record<BurnBucket, number>;
  let spentSeconds = 0;
  for (const i of selection) {
    if (table.closed[i]) continue;
    byBurn[burnBucket(orNull(table.burn[i]!))]++;
    spentSeconds += orNull(table.spentSeconds[i]!) ?? 0;
  }
  return { spentHours: spentSeconds / 3600, byBurn };
}
