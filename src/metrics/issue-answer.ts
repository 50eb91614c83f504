import type { IssueRef, IssueState } from '../domain/types.js';
import type { Store } from '../store/store.js';
import { issueReport } from './compute.js';
import { issueFacts } from './facts.js';
import type { MetricsReports } from './reports.js';
import type { MetricsSettings } from './settings.js';
import type { IssueReport } from './types.js';

export interface IssueAnswer {
  report: IssueReport;
  /** The stored issue state (template fields, labels), for views that show more than the report. */
  state: IssueState | null;
}

/**
 * One issue's report as `GET /metrics/issues/…` serves it, or null when nothing is recorded for it.
 * The forecast comes from the metrics table: simulating is the table build's work, never a request's.
 */
export async function answerIssue(
  store: Store,
  reports: MetricsReports,
  settings: MetricsSettings,
  ref: Pick<IssueRef, 'forge' | 'project' | 'iid'>,
  nowMs: number,
): Promise<IssueAnswer | null> {
  const [transitions, state, answer] = await Promise.all([
    store.transitions(ref),
    store.getIssueState(ref),
    reports.answer({ format: 'forecast', issue: ref }),
  ]);
  const [facts] = issueFacts(transitions, state ? [state] : []);
  if (!facts) return null;
  return {
    report: issueReport(facts, transitions, settings, nowMs, 'forecast' in answer ? answer.forecast : null),
    state,
  };
}
