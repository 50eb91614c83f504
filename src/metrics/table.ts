import type { IssueMetrics } from './issue-metrics.js';
import type { MetricsSettings } from './settings.js';
import type { DurationState, TargetStatus } from './types.js';
import { DAY_MS } from './measure.js';

/** Codes of the per-issue columns; 0 is always "none". */
export const STATES: readonly (DurationState | null)[] = [null, 'finished', 'open', 'stopped'];
export const STATUSES: readonly (TargetStatus | null)[] = [null, 'met', 'on-track', 'at-risk', 'breached'];
export const [, FINISHED, OPEN, STOPPED] = [0, 1, 2, 3] as const;

export interface DurationColumns {
  state: Uint8Array;
  status: Uint8Array;
  startMs: Float64Array;
  endMs: Float64Array;
  ms: Float64Array;
  activeMs: Float64Array;
  /** Index into `keys.month` of the start. */
  month: Uint32Array;
}

/** Interns strings into small ids so grouping is array indexing, not hashing. */
class Dictionary {
  readonly keys: string[] = [];
  private readonly ids = new Map<string, number>();

  id(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.keys.push(key);
      this.ids.set(key, id);
    }
    return id;
  }
}

/**
 * Column-wise copy of every issue's metrics, built once per snapshot, so that a request only
 * scans typed arrays of the issues its filter selects.
 */
export interface IssueTable {
  issues: IssueMetrics[];
  /** Aligned with `settings.definitions`. */
  durations: DurationColumns[];
  kind: Uint32Array;
  segment: Uint32Array;
  /** Current stage (`none` when unknown). */
  stage: Uint32Array;
  /** Per issue × stage (row-major, `keys.stage.length` columns): time and visits in that stage. */
  stageMs: Float64Array;
  stageVisits: Uint32Array;
  /** Time in the current visit of the current stage. */
  currentStageMs: Float64Array;
  closed: Uint8Array;
  keys: { kind: string[]; segment: string[]; stage: string[]; month: string[] };
}

export const NONE = 'none';

function monthKey(ms: number, months: Dictionary, byDay: Map<number, number>): number {
  const day = Math.floor(ms / DAY_MS);
  let id = byDay.get(day);
  if (id === undefined) byDay.set(day, (id = months.id(new Date(day * DAY_MS).toISOString().slice(0, 7))));
  return id;
}

export function buildTable(issues: IssueMetrics[], settings: MetricsSettings, nowMs: number): IssueTable {
  const n = issues.length;
  const [kinds, segments, stages, months] = [new Dictionary(), new Dictionary(), new Dictionary(), new Dictionary()];
  const monthByDay = new Map<number, number>();
  for (const stage of [...settings.stageOrder, ...settings.terminalStages]) stages.id(stage);
  for (const issue of issues) for (const stage of issue.visits.keys()) stages.id(stage);
  for (const issue of issues) for (const stage of issue.stageMs.keys()) stages.id(stage);
  stages.id(NONE);
  const stageCount = stages.keys.length;
  const table: IssueTable = {
    issues,
    durations: settings.definitions.map(() => ({
      state: new Uint8Array(n),
      status: new Uint8Array(n),
      startMs: new Float64Array(n),
      endMs: new Float64Array(n),
      ms: new Float64Array(n),
      activeMs: new Float64Array(n),
      month: new Uint32Array(n),
    })),
    kind: new Uint32Array(n),
    segment: new Uint32Array(n),
    stage: new Uint32Array(n),
    stageMs: new Float64Array(n * stageCount),
    stageVisits: new Uint32Array(n * stageCount),
    currentStageMs: new Float64Array(n),
    closed: new Uint8Array(n),
    keys: { kind: kinds.keys, segment: segments.keys, stage: stages.keys, month: months.keys },
  };
  issues.forEach((issue, i) => {
    table.kind[i] = kinds.id(issue.kind ?? NONE);
    table.segment[i] = segments.id(issue.segment ?? NONE);
    table.stage[i] = stages.id(issue.stage ?? NONE);
    table.closed[i] = issue.closed ? 1 : 0;
    table.currentStageMs[i] = settings.measure(issue.stageSinceMs, nowMs);
    for (const [stage, ms] of issue.stageMs) table.stageMs[i * stageCount + stages.id(stage)] = ms;
    for (const [stage, visits] of issue.visits) table.stageVisits[i * stageCount + stages.id(stage)] = visits;
    settings.definitions.forEach((definition, k) => {
      const d = issue.durations.get(definition.name);
      if (!d) return;
      const columns = table.durations[k]!;
      columns.state[i] = STATES.indexOf(d.state);
      columns.status[i] = STATUSES.indexOf(d.status);
      columns.startMs[i] = d.startMs;
      columns.endMs[i] = d.endMs ?? Number.NaN;
      columns.ms[i] = d.ms;
      columns.activeMs[i] = d.activeMs;
      columns.month[i] = monthKey(d.startMs, months, monthByDay);
    });
  });
  return table;
}
