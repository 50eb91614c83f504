import type { IssueRef, IssueState } from '../../domain/types.js';
import type { Store } from '../../store/store.js';
import type { IssueReport } from '../contract.js';
import { issueFacts } from '../durations/issue-facts.js';
import type { MetricsSettings } from '../durations/settings.js';
import { issueReport } from '../json/issue.js';
import type { MetricsAnswers } from './answer-cache.js';

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
  store: Pick<Store, 'issueHistory'>,
  answers: MetricsAnswers,
  settings: MetricsSettings,
  ref: Pick<IssueRef, 'forge' | 'project' | 'iid'>,
  nowMs: number,
): Promise<IssueAnswer | null> {
  // State and transitions from one read: a completion landing between two reads would pair a
  // state with transitions that do not reach it.
  const [{ transitions, state }, answer] = await Promise.all([
    store.issueHistory(ref),
    answers.answer({ format: 'forecast', issue: ref }),
  ]);
  const [facts] = issueFacts(transitions, state ? [state] : []);
  if (!facts) return null;
  return {
    report: issueReport(facts, transitions, settings, nowMs, 'forecast' in answer ? answer.forecast : null),
    state,
  };
}
