import type { Config } from '../config/schema.js';
import type { Store } from '../store/store.js';
import { computeIssues } from './compute.js';
import { issueFacts } from './facts.js';
import type { MetricsSettings } from './settings.js';
import { Snapshot } from './snapshot.js';
import { buildTable, type IssueTable } from './table.js';

/** Every issue in the store as a metrics table, computed as of `asOfMs`. */
export type TableBuilder = (asOfMs: number) => Promise<IssueTable>;

export interface TableAt {
  asOfMs: number;
  table: IssueTable;
}

/** One per service: /metrics and /dashboard read the same snapshot. */
export type TableSnapshot = Snapshot<TableAt>;

export interface TableSnapshotOptions {
  now: () => Date;
  onRefreshError: (error: unknown) => void;
}

/** Reads every transition and issue state and computes the table, on the calling thread. */
export function tableBuilder(store: Pick<Store, 'transitions' | 'issueStates'>, settings: MetricsSettings): TableBuilder {
  return async (asOfMs) => {
    const [transitions, states] = await Promise.all([store.transitions({}), store.issueStates({})]);
    return buildTable(computeIssues(issueFacts(transitions, states), settings, asOfMs), settings, asOfMs);
  };
}

/**
 * The table, rebuilt at most every `durations.cacheSeconds`. Per-issue metrics are computed as of
 * the build; open durations are therefore up to that long behind, which does not matter for
 * durations measured in days.
 */
export function tableSnapshot(config: Pick<Config, 'durations'>, build: TableBuilder, options: TableSnapshotOptions): TableSnapshot {
  const clockMs = () => options.now().getTime();
  return new Snapshot(
    async () => {
      const asOfMs = clockMs();
      return { asOfMs, table: await build(asOfMs) };
    },
    config.durations.cacheSeconds * 1000,
    clockMs,
    options.onRefreshError,
  );
}
