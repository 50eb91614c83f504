import type { IssueEvent, IssueState, Transition } from '../domain/types.js';
import { assigneeTransitions } from '../metrics/assignees.js';

/**
 * Adds the event's assignees to the state the rules decided, and the changes against what was
 * known before as transitions. An event whose payload does not list assignees changes nothing. Pure.
 */
export function recordAssignees(event: IssueEvent, previous: IssueState | null, state: IssueState): { state: IssueState; transitions: Transition[] } {
  const before = previous?.assignees ?? [];
  if (!event.assignees) return { state: previous?.assignees ? { ...state, assignees: before } : state, transitions: [] };
  const base = {
    forge: event.forge,
    project: state.ref.project,
    iid: state.ref.iid,
    at: event.occurredAt,
    actor: event.actor.login,
    source: 'webhook',
    kind: state.kind,
    segment: state.segment,
  };
  return { state: { ...state, assignees: [...event.assignees] }, transitions: assigneeTransitions(base, before, event.assignees) };
}
