import type { IssueEvent, IssueState, Transition } from '../domain/types.js';
import { onBoard, webhookOverlayBase } from './assignees.js';
import { effortTransition, sameEffort, withReading } from '../domain/effort.js';
import { readEffort, updateIssueMemory } from '../domain/issue-memory.js';

/**
 * Adds what the event says of the time spent and estimated to the state the rules decided, and
 * records a change as a transition (its history charts hours per week). As with assignees, only
 * issues on the board (a kind or a stage) get transitions; an issue that joins the board records
 * its effort then. Pure.
 */
export function recordEffort(event: IssueEvent, state: IssueState): { state: IssueState; transitions: Transition[] } {
  if (!event.effort || !onBoard(state)) return { state, transitions: [] };
  // The rules carry the state's extras over: what it holds is what was last recorded (none off the board).
  const recorded = readEffort(state.extra);
  const effort = withReading(recorded, event.effort);
  const next = { ...state, extra: updateIssueMemory(state.extra, { effort }) };
  if (sameEffort(effort, recorded)) return { state: next, transitions: [] };
  return { state: next, transitions: [effortTransition(webhookOverlayBase(event, state), effort)] };
}
