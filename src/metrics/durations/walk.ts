import type { Timeline } from './timeline.js';

/** The stage name for time before the first known stage. */
export const UNSTAGED = 'unstaged';

/** A stretch of time in one stage with the same paused-ness. */
export interface Segment {
  startMs: number;
  endMs: number;
  stage: string;
  paused: boolean;
}

export interface Walk {
  segments: Segment[];
  /** Instants the issue entered / left each stage, and each tracked label was added, in order. */
  entered: Map<string, number[]>;
  left: Map<string, number[]>;
  labelAdded: Map<string, number[]>;
  stage: string;
  stageSinceMs: number;
}

function push(map: Map<string, number[]>, key: string, atMs: number): void {
  const list = map.get(key);
  if (list) list.push(atMs);
  else map.set(key, [atMs]);
}

/** Replays a timeline from `fromMs` to `untilMs` into segments and the instants of its events. */
export function walk(
  timeline: Timeline,
  fromMs: number,
  untilMs: number,
  pausedStages: ReadonlySet<string>,
  pausedLabels: ReadonlySet<string>,
): Walk {
  const { stages, overlays } = timeline;
  const result: Walk = {
    segments: [],
    entered: new Map(),
    left: new Map(),
    labelAdded: new Map(),
    stage: timeline.initialStage ?? UNSTAGED,
    stageSinceMs: fromMs,
  };
  const present = new Set<string>();
  let pausedByLabel = 0;
  let cursor = fromMs;
  const advanceTo = (atMs: number) => {
    if (atMs <= cursor) return;
    const stage = result.stage;
    result.segments.push({ startMs: cursor, endMs: atMs, stage, paused: pausedByLabel > 0 || pausedStages.has(stage) });
    cursor = atMs;
  };
  let s = 0;
  let o = 0;
  while (s < stages.length || o < overlays.length) {
    const stageAt = stages[s]?.atMs ?? Infinity;
    const overlayAt = overlays[o]?.atMs ?? Infinity;
    if (overlayAt <= stageAt) {
      const { label, present: nowPresent } = overlays[o++]!;
      advanceTo(overlayAt);
      if (present.has(label) === nowPresent) continue;
      if (nowPresent) {
        present.add(label);
        push(result.labelAdded, label, overlayAt);
      } else present.delete(label);
      if (pausedLabels.has(label)) pausedByLabel += nowPresent ? 1 : -1;
    } else {
      const { stage } = stages[s++]!;
      advanceTo(stageAt);
      if (stage === result.stage) continue;
      if (result.stage !== UNSTAGED) push(result.left, result.stage, stageAt);
      push(result.entered, stage, stageAt);
      result.stage = stage;
      result.stageSinceMs = stageAt;
    }
  }
  advanceTo(untilMs);
  return result;
}
