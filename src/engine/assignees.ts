import type { IssueEvent, IssueState, Transition } from '../domain/types.js';
import { assigneeTransitions } from '../domain/assignees.js';

/**
 * Adds the event's assignees to the state the rules decided, and the changes against what was
 * recorded before as transitions. An event whose payload does not list assignees changes nothing.
 * Only issues on the board (a kind or a stage) get transitions, so a repository's other issues never
 * show up in /metrics because someone was assigned; an issue that joins the board records who is
 * assigned then. Pure.
 */
export function recordAssignees(
  event: IssueEvent,
  previous: IssueState | null,
  state: IssueState,
): { state: IssueState; transitions: Transition[] } {
  const before = previous?.assignees ?? [];
  if (!event.assignees)
    return { state: previous?.assignees ? { ...state, assignees: before } : state, transitions: [] };
  const assigned = { ...state, assignees: [...event.assignees] };
  if (!onBoard(state)) return { state: assigned, transitions: [] };
  const recorded = previous && onBoard(previous) ? before : [];
  return {
    state: assigned,
    transitions: assigneeTransitions(webhookOverlayBase(event, state), recorded, event.assignees),
  };
}

/** Is the issue on the services board (a kind or a stage)? Only such issues get transitions. */
export const onBoard = (state: IssueState): boolean => state.kind !== null || state.stage !== null;

/** What an overlay transition the event records for this issue shares: who, when, and the issue's kind and segment. */
export function webhookOverlayBase(event: IssueEvent, state: IssueState): Omit<Transition, 'from' | 'to'> {
  return {
    forge: event.forge,
    project: state.ref.project,
    iid: state.ref.iid,
    at: event.occurredAt,
    actor: event.actor.login,
    source: 'webhook',
    kind: state.kind,
    segment: state.segment,
  };
}
