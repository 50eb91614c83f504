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
    // The latest non-empty value; ties broken by value so arrival order never matters.
    const latest = (field: 'kind' | 'segment') =>
      list.reduce<Transition | null>((best, t) => {
        if (!t[field]) return best;
        if (!best) return t;
        const order = Date.parse(t.at) - Date.parse(best.at) || (t[field]! > best[field]! ? 1 : -1);
        return order > 0 ? t : best;
      }, null)?.[field] ?? null;
    return {
      id: { forge: first.forge, project: first.project, iid: first.iid },
      state: stateByKey.get(issueKey(first)) ?? null,
      kind: latest('kind'),
      segment: latest('segment'),
      timeline: buildTimeline(list),
    };
  });
}
