import { issueKey, type IssueState, type Transition } from '../../domain/types.js';
import type { IssueFacts } from './issue-metrics.js';
import { timelineOf } from './timeline.js';
import type { IssueId } from '../contract.js';

/** One issue's facts from its transitions (any order, duplicates allowed) and its state, if known. Pure. */
export function factsOf(transitions: readonly Transition[], state: IssueState | null): IssueFacts {
  const first = transitions[0]!;
  const id = { forge: first.forge, project: first.project, iid: first.iid };
  return factsFrom(
    id,
    transitions,
    transitions.map((t) => Date.parse(t.at)),
    state,
  );
}

/** `factsOf` for transitions of the issue `id` whose instants are already parsed (`atMs[i]` of `transitions[i]`, NaN when unreadable). Pure. */
export function factsFrom(
  id: IssueId,
  transitions: readonly Pick<Transition, 'from' | 'to' | 'kind' | 'segment'>[],
  atMs: readonly number[],
  state: IssueState | null,
): IssueFacts {
  // The latest non-empty value; ties broken by value so arrival order never matters.
  const latest = (field: 'kind' | 'segment') => {
    let best = -1;
    transitions.forEach((t, i) => {
      if (!t[field]) return;
      const order = best === -1 ? 1 : atMs[i]! - atMs[best]! || (t[field]! > transitions[best]![field]! ? 1 : -1);
      if (order > 0) best = i;
    });
    return best === -1 ? null : transitions[best]![field]!;
  };
  return {
    id,
    state,
    kind: latest('kind'),
    segment: latest('segment'),
    timeline: timelineOf(transitions, atMs),
  };
}

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
  return [...byIssue.values()].map((list) => factsOf(list, stateByKey.get(issueKey(list[0]!)) ?? null));
}
