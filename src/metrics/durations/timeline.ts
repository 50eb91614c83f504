import type { Transition } from '../../domain/types.js';
import { assigneeOfLabel } from '../../domain/assignees.js';
import { parseOverlay } from '../../domain/overlay.js';

export interface StageEntry {
  atMs: number;
  stage: string;
  from: string | null;
}

export interface OverlayEntry {
  atMs: number;
  label: string;
  present: boolean;
}

/** One issue's recorded history, deduplicated and in event-time order. Independent of `now`. */
export interface Timeline {
  stages: StageEntry[];
  overlays: OverlayEntry[];
  /** The stage before the first recorded stage transition, when that transition said. */
  initialStage: string | null;
  /** ±Infinity when there is no entry. */
  firstAtMs: number;
  lastAtMs: number;
}

/** What a timeline reads of a transition besides its instant. */
export type TimelineTransition = Pick<Transition, 'from' | 'to'>;

/** The duplicate to keep is chosen by content, not arrival, so the result does not depend on arrival order. */
function preferred(a: TimelineTransition, b: TimelineTransition): TimelineTransition {
  if ((a.from === null) !== (b.from === null)) return a.from === null ? b : a;
  return (a.from ?? '') <= (b.from ?? '') ? a : b;
}

function dedupe(
  transitions: readonly TimelineTransition[],
  instants: readonly number[],
): Map<string, { atMs: number; t: TimelineTransition }> {
  const unique = new Map<string, { atMs: number; t: TimelineTransition }>();
  for (const [i, t] of transitions.entries()) {
    const atMs = instants[i]!;
    if (Number.isNaN(atMs)) continue;
    const key = `${atMs}|${t.to}`;
    const seen = unique.get(key);
    unique.set(key, { atMs, t: seen ? preferred(seen.t, t) : t });
  }
  return unique;
}

/**
 * Orders stage entries by time; entries at the same instant are chained (the one leaving the
 * current stage first), falling back to name order, so any arrival order gives the same sequence.
 */
function orderStages(entries: StageEntry[]): StageEntry[] {
  entries.sort((a, b) => a.atMs - b.atMs || (a.stage < b.stage ? -1 : a.stage > b.stage ? 1 : 0));
  const ordered: StageEntry[] = [];
  for (let i = 0; i < entries.length; ) {
    let j = i;
    while (j < entries.length && entries[j]!.atMs === entries[i]!.atMs) j++;
    const tied = entries.slice(i, j);
    while (tied.length > 0) {
      const current = ordered.at(-1)?.stage ?? null;
      const next = Math.max(
        0,
        tied.findIndex((e) => e.from === current && e.stage !== current),
      );
      ordered.push(...tied.splice(next, 1));
    }
    i = j;
  }
  return ordered;
}

export function buildTimeline(transitions: readonly Transition[]): Timeline {
  return timelineOf(
    transitions,
    transitions.map((t) => Date.parse(t.at)),
  );
}

/** `buildTimeline` of transitions whose instants are already parsed (`instants[i]` of `transitions[i]`, NaN when unreadable). */
export function timelineOf(transitions: readonly TimelineTransition[], instants: readonly number[]): Timeline {
  const stages: StageEntry[] = [];
  const overlays: OverlayEntry[] = [];
  for (const { atMs, t } of dedupe(transitions, instants).values()) {
    const overlay = parseOverlay(t.to);
    if (overlay) overlays.push({ atMs, ...overlay });
    else stages.push({ atMs, stage: t.to, from: t.from });
  }
  overlays.sort(
    (a, b) =>
      a.atMs - b.atMs || (a.label < b.label ? -1 : a.label > b.label ? 1 : Number(a.present) - Number(b.present)),
  );
  const ordered = orderStages(stages);
  return {
    stages: ordered,
    overlays,
    initialStage: ordered[0]?.from ?? null,
    firstAtMs: Math.min(ordered[0]?.atMs ?? Infinity, overlays[0]?.atMs ?? Infinity),
    lastAtMs: Math.max(ordered.at(-1)?.atMs ?? -Infinity, overlays.at(-1)?.atMs ?? -Infinity),
  };
}

/** Who is assigned at the end of a timeline, in login order. */
export function assigneesFromTimeline(timeline: Timeline): string[] {
  const present = new Set<string>();
  for (const { label, present: added } of timeline.overlays) {
    const login = assigneeOfLabel(label);
    if (login === null) continue;
    if (added) present.add(login);
    else present.delete(login);
  }
  return [...present].sort();
}
