import type { Store } from '../store/store.js';
import { computeIssues } from './compute.js';
import { issueFacts } from './facts.js';
import type { MetricsSettings } from './settings.js';
import { Snapshot } from './snapshot.js';
import { buildTable, type IssueTable } from './table.js';

export interface TableSnapshotOptions {
  maxAgeMs: number;
  now: () => Date;
  onRefreshError: (error: unknown) => void;
}

/**
 * Every issue in the store as a metrics table, reloaded at most every `maxAgeMs`. Per-issue
 * metrics are computed as of the load; open durations are therefore up to `maxAgeMs` behind,
 * which does not matter for durations measured in days.
 */
export function tableSnapshot(
  store: Pick<Store, 'transitions' | 'issueStates'>,
  settings: MetricsSettings,
  options: TableSnapshotOptions,
): Snapshot<{ asOfMs: number; table: IssueTable }> {
  return new Snapshot(
    async () => {
      const [transitions, states] = await Promise.all([store.transitions({}), store.issueStates({})]);
      const asOfMs = options.now().getTime();
      const issues = computeIssues(issueFacts(transitions, states), settings, asOfMs);
      return { asOfMs, table: buildTable(issues, settings, asOfMs) };
    },
    options.maxAgeMs,
    () => options.now().getTime(),
    options.onRefreshError,
  );
}
