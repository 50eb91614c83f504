import { issueKey, type IssueState } from '../../domain/types.js';
import type { Changes } from '../../store/store.js';
import { factsFrom } from '../durations/issue-facts.js';
import { advanceMetrics, issueMetrics, type IssueMetrics } from '../durations/issue-metrics.js';
import type { MetricsSettings } from '../durations/settings.js';
import type { IssueId } from '../contract.js';
import { ForecastMemo } from '../forecast/memo.js';
import { buildTable, moveTable, type IssueTable } from './table.js';
import { NO_TRANSITION, TransitionColumns } from './transition-columns.js';

interface Issue {
  id: IssueId;
  /** Its first and last transitions in the ledger's columns (NO_TRANSITION before the first). */
  first: number;
  last: number;
  state: IssueState | null;
  /** As of the ledger's `metricsAsOfMs`; null when a change has not been computed yet. */
  metrics: IssueMetrics | null;
  /** Its last recorded change (its timeline's `lastAtMs`), for moving its metrics to another instant. */
  lastAtMs: number;
}

/** Table rows are in (forge, project, iid) order, however the changes arrived. */
function tableOrder(x: IssueId, y: IssueId): number {
  if (x.forge !== y.forge) return x.forge < y.forge ? -1 : 1;
  if (x.project !== y.project) return x.project < y.project ? -1 : 1;
  return x.iid - y.iid;
}

const rowOrder = (a: Issue, b: Issue): number => tableOrder(a.id, b.id);

/**
 * Every issue's recorded history and metrics, kept up to date from the store's changes
 * (Store.changesSince), so a refresh reads only what is new. Transitions are kept column-wise
 * (TransitionColumns), an issue's timeline only while its metrics are computed. Applying changes
 * marks the issues they touch; a table as of the same instant as the last one recomputes only
 * those. A table as of another instant moves every other issue's metrics by the clock alone
 * (advanceMetrics: open durations and the current stage measured up to the new instant), and
 * recomputes from its transitions only an issue whose change is not yet past at both instants.
 * Any sequence of changes and instants gives the table a full read of the same rows would.
 */
export class IssueLedger {
  private readonly issues = new Map<string, Issue>();
  private readonly transitions = new TransitionColumns();
  /** Issues with transitions, in row order; null after a new one arrived. */
  private rows: Issue[] | null = [];
  private metricsAsOfMs: number | null = null;
  /** The last table, while no change has been applied since. */
  private last: IssueTable | null = null;
  /** The last table's forecasts, reused for engagements whose forecast cannot have changed. */
  private readonly forecasts = new ForecastMemo();

  constructor(private readonly settings: MetricsSettings) {}

  /** Takes in transitions and issue states newer than those already applied. */
  apply(changes: Pick<Changes, 'transitions' | 'states'>): void {
    for (const t of changes.transitions) {
      const issue = this.issue(issueKey(t), t);
      if (issue.first === NO_TRANSITION) this.rows = null;
      issue.last = this.transitions.push(t, issue.last);
      if (issue.first === NO_TRANSITION) issue.first = issue.last;
      issue.metrics = null;
      this.last = null;
    }
    for (const state of changes.states) {
      const issue = this.issue(issueKey(state.ref), state.ref);
      issue.state = state;
      issue.metrics = null;
      this.last = null;
    }
  }

  /** Every issue with transitions, computed as of `asOfMs`. */
  table(asOfMs: number): IssueTable {
    const previousMs = this.metricsAsOfMs;
    this.metricsAsOfMs = asOfMs;
    this.rows ??= [...this.issues.values()].filter((issue) => issue.first !== NO_TRANSITION).sort(rowOrder);
    let clockOnly = this.last !== null;
    const metrics = this.rows.map((issue) => {
      if (issue.metrics && previousMs !== null && previousMs !== asOfMs) {
        issue.metrics = advanceMetrics(issue.metrics, issue.lastAtMs, issue.state, this.settings, previousMs, asOfMs);
      }
      if (issue.metrics) return issue.metrics;
      clockOnly = false;
      return (issue.metrics = this.compute(issue, asOfMs));
    });
    // Only the clock moved (or nothing): the last table's keys and rows hold, its clock columns move.
    this.last = clockOnly
      ? moveTable(this.last!, metrics, this.settings, asOfMs, this.forecasts)
      : buildTable(metrics, this.settings, asOfMs, this.forecasts);
    return this.last;
  }

  private compute(issue: Issue, asOfMs: number): IssueMetrics {
    const { transitions, atMs } = this.transitions.chain(issue.first);
    const facts = factsFrom(issue.id, transitions, atMs, issue.state);
    issue.lastAtMs = facts.timeline.lastAtMs;
    return issueMetrics(facts, this.settings, asOfMs);
  }

  private issue(key: string, id: IssueId): Issue {
    let issue = this.issues.get(key);
    if (!issue) {
      issue = {
        id: { forge: id.forge, project: id.project, iid: id.iid },
        first: NO_TRANSITION,
        last: NO_TRANSITION,
        state: null,
        metrics: null,
        lastAtMs: -Infinity,
      };
      this.issues.set(key, issue);
    }
    return issue;
  }
}
