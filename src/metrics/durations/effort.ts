import { burn, effortOfLabel, NO_EFFORT, soldHoursOf, type Effort } from '../../domain/effort.js';
import { readField } from '../../domain/issue-memory.js';
import type { IssueState } from '../../domain/types.js';
import type { Timeline } from './timeline.js';

/** One recorded change of an issue's effort. */
export interface EffortSample extends Effort {
  atMs: number;
}

/** Every recorded change of the effort, oldest first (the timeline's overlay order). */
export function effortHistory(timeline: Timeline): EffortSample[] {
  return timeline.overlays.flatMap(({ atMs, label }) => {
    const effort = effortOfLabel(label);
    return effort ? [{ atMs, ...effort }] : [];
  });
}

/** An issue's effort now, its sold hours and its burn. */
export interface EffortFacts {
  effort: Effort;
  /** The SOW's `sow_hours`, as the body last gave it. */
  soldHours: number | null;
  burn: number | null;
}

export function effortFacts(timeline: Timeline, state: IssueState | null): EffortFacts {
  const latest = effortHistory(timeline).at(-1);
  const effort = latest ? { spentSeconds: latest.spentSeconds, estimateSeconds: latest.estimateSeconds } : NO_EFFORT;
  const soldHours = soldHoursOf(state ? readField(state.extra, 'sow_hours') : undefined);
  return { effort, soldHours, burn: burn(effort, soldHours) };
}
