import { issueKey, type IssueState, type Transition } from '../domain/types.js';
import type { IssueFacts } from './issue-metrics.js';
import { buildTimeline } from './timeline.js';

/** Groups transitions by issue and joins each with its state, if the service knows one. Pure. */
export function issueFacts(transitions: readonly Transition[], states: readonly IssueState[]): IssueFacts[] {
  const byIssue = new Map<string, Transition[]>();
  for (const t of transitions) {
    const key = issueKey(t);
    const list = byIssue.get(key);
    if (list) list.push(t);
    else byIssue.set(key, [t]);
  }
  const stateByKey = new Map(states.map((state) => [issueKey(state.ref), state]));
  return [...byIssue.values()].map((list) => {
    const first = list[0]!;
    const latest = (field: 'kind' | 'segment') =>
      list.reduce<Transition | null>((best, t) => (t[field] && (!best || t.at >= best.at) ? t : best), null)?.[field] ?? null;
    return {
      id: { forge: first.forge, project: first.project, iid: first.iid },
      state: stateByKey.get(issueKey(first)) ?? null,
      kind: latest('kind'),
      segment: latest('segment'),
      timeline: buildTimeline(list),
    };
  });
}
