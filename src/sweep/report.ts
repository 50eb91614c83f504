/** One thing a sweep did (or, in a preview or dry-run, would do). */
export interface SweepRow {
  issue: string;
  policy: string;
  action: string;
  result: 'applied' | 'planned' | 'skipped' | 'failed';
}

/** What one sweep did; the service metrics record exactly this shape. */
export interface SweepReport {
  startedAt: string;
  durationMs: number;
  rows: SweepRow[];
}

/** Audit results are free text in the store; a sweep row has one of four. */
export function rowResult(result: string): SweepRow['result'] {
  return result === 'applied' || result === 'planned' || result === 'skipped' ? result : 'failed';
}
