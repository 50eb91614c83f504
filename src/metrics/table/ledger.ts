import { issueKey, type IssueState, type Transition } from '../../domain/types.js';
import type { Changes } from '../../store/store.js';
import { factsOf } from '../durations/issue-facts.js';
import { issueMetrics, type IssueFacts, type IssueMetrics } from '../durations/issue-metrics.js';
import type { MetricsSettings } from '../durations/settings.js';
import type { IssueId } from '../contract.js';
import { ForecastMemo } from '../forecast/memo.js';
import { buildTable, type IssueTable } from './table.js';

interface Issue {
  transitions: Transition[];
  state: IssueState | null;
  /** Null when a change has not been computed yet. */
  facts: IssueFacts | null;
  metrics: IssueMetrics | null;
}

/** Table rows are in (forge, project, iid) order, however the changes arrived. */
function tableOrder(x: IssueId, y: IssueId): number {
  if (x.forge !== y.forge) return x.forge < y.forge ? -1 : 1;
  if (x.project !== y.project) return x.project < y.project ? -1 : 1;
  return x.iid - y.iid;
}

const rowOrder = (a: Issue, b: Issue): number => tableOrder(a.transitions[0]!, b.transitions[0]!);

/**
 * Every issue's recorded history and metrics, kept up to date from the store's changes
 * (Store.changesSince), so a refresh reads only what is new. Applying changes marks the issues
 * they touch; a table as of the same instant as the last one recomputes only those, a table as of
 * another instant recomputes every issue from the facts kept here (open durations run up to that
 * instant) without reading the store again. Any sequence of changes gives the table a full read
 * of the same rows would.
 */
export class IssueLedger {
  private readonly issues = new Map<string, Issue>();
  /** Issues with transitions, in row order; null after a new one arrived. */
  private rows: Issue[] | null = [];
  private metricsAsOfMs: number | null = null;
  /** Stage, actor, kind … repeat across a million transitions: keep one copy of each. */
  private readonly strings = new Map<string, string>();
  /** The last table's forecasts, reused for engagements whose forecast cannot have changed. */
  private readonly forecasts = new ForecastMemo();

  constructor(private readonly settings: MetricsSettings) {}

  /** Takes in transitions and issue states newer than those already applied. */
  apply(changes: Pick<Changes, 'transitions' | 'states'>): void {
    for (const t of changes.transitions) {
      const issue = this.issue(issueKey(t));
      if (issue.transitions.length === 0) this.rows = null;
      issue.transitions.push(this.compact(t));
      issue.facts = issue.metrics = null;
    }
    for (const state of changes.states) {
      const issue = this.issue(issueKey(state.ref));
      issue.state = state;
      issue.facts = issue.metrics = null;
    }
  }

  /** Every issue with transitions, computed as of `asOfMs`. */
  table(asOfMs: number): IssueTable {
    if (asOfMs !== this.metricsAsOfMs) for (const issue of this.issues.values()) issue.metrics = null;
    this.metricsAsOfMs = asOfMs;
    this.rows ??= [...this.issues.values()].filter((issue) => issue.transitions.length > 0).sort(rowOrder);
    const metrics = this.rows.map((issue) => {
      issue.facts ??= factsOf(issue.transitions, issue.state);
      return (issue.metrics ??= issueMetrics(issue.facts, this.settings, asOfMs));
    });
    return buildTable(metrics, this.settings, asOfMs, this.forecasts);
  }

  private issue(key: string): Issue {
    let issue = this.issues.get(key);
    if (!issue) this.issues.set(key, (issue = { transitions: [], state: null, facts: null, metrics: null }));
    return issue;
  }

  private compact(t: Transition): Transition {
    const one = (value: string) => {
      const kept = this.strings.get(value);
      if (kept !== undefined) return kept;
      this.strings.set(value, value);
      return value;
    };
    const maybe = (value: string | null | undefined) => (value == null ? (value ?? null) : one(value));
    return {
      forge: t.forge,
      project: one(t.project),
      iid: t.iid,
      from: maybe(t.from),
      to: one(t.to),
      at: t.at,
      actor: one(t.actor),
      source: one(t.source),
      kind: maybe(t.kind),
      segment: maybe(t.segment),
    };
  }
}
