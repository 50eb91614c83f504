import type { ForgeName } from '../../domain/types.js';
import type { IssueMetrics } from '../durations/issue-metrics.js';
import type { MetricsSettings } from '../durations/settings.js';
import type { DurationState, IssueId, TargetStatus } from '../contract.js';
import { forecastColumns, type ForecastColumns } from '../forecast/columns.js';
import { DAY_MS } from '../durations/measure.js';
import type { ForecastMemo } from '../forecast/memo.js';

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

/** Interns values into small ids so grouping is array indexing, not hashing. */
class Dictionary<K extends string | null = string> {
  readonly keys: K[] = [];
  private readonly ids = new Map<K, number>();

  id(key: K): number {
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
 * Every issue's metrics, column-wise: typed arrays plus a few string lists. Built once per
 * build by LocalMetrics (runtime/local-metrics.ts) and kept where it runs, the metrics thread or,
 * in-process, the caller's: the table never crosses threads, only answers do. Column-wise so that a request only scans the rows its filter selects, and grouping is
 * array indexing. Per-engagement columns are read through their declarations (columns.ts).
 */
export interface IssueTable {
  size: number;
  /** Ids into the `keys` list of the same name. Kind, segment and stage keys are null where the issue has none. */
  forge: Uint32Array;
  project: Uint32Array;
  kind: Uint32Array;
  segment: Uint32Array;
  stage: Uint32Array;
  iid: Float64Array;
  title: (string | null)[];
  /** The labels of issue i are `label[labelStart[i] .. labelStart[i + 1]]`, ids into `keys.label`. */
  labelStart: Uint32Array;
  label: Uint32Array;
  /** Like labels: the assignees of issue i are `assignee[assigneeStart[i] .. assigneeStart[i + 1]]`, ids into `keys.assignee`. */
  assigneeStart: Uint32Array;
  assignee: Uint32Array;
  closed: Uint8Array;
  stale: Uint8Array;
  suggestLost: Uint8Array;
  createdMs: Float64Array;
  /** When a person last changed or commented on the issue (`IssueMetrics.lastActivityMs`). */
  lastActivityMs: Float64Array;
  openMs: Float64Array;
  /** Time in the current visit of the current stage. */
  currentStageMs: Float64Array;
  /** Per issue × stage (row-major, `keys.stage.length` columns): time and visits in that stage, and whether time was measured there at all. */
  stageMs: Float64Array;
  stageVisits: Uint32Array;
  stageTimed: Uint8Array;
  /** Time spent and estimated (seconds), hours sold and burn; NaN where none is known. */
  spentSeconds: Float64Array;
  estimateSeconds: Float64Array;
  soldHours: Float64Array;
  burn: Float64Array;
  /** Aligned with `settings.definitions`. */
  durations: DurationColumns[];
  forecast: ForecastColumns;
  keys: {
    forge: ForgeName[];
    project: string[];
    label: string[];
    assignee: string[];
    kind: (string | null)[];
    segment: (string | null)[];
    stage: (string | null)[];
    month: string[];
  };
}

/** How a missing kind, segment or stage is shown. */
export const NONE = 'none';

export const displayKey = (key: string | null): string => key ?? NONE;

function monthKey(ms: number, months: Dictionary, byDay: Map<number, number>): number {
  const day = Math.floor(ms / DAY_MS);
  let id = byDay.get(day);
  if (id === undefined) byDay.set(day, (id = months.id(new Date(day * DAY_MS).toISOString().slice(0, 7))));
  return id;
}

export function buildTable(
  issues: readonly IssueMetrics[],
  settings: MetricsSettings,
  nowMs: number,
  forecasts?: ForecastMemo,
): IssueTable {
  const n = issues.length;
  const forges = new Dictionary<ForgeName>();
  const [projects, labels, assignees, months] = [
    new Dictionary(),
    new Dictionary(),
    new Dictionary(),
    new Dictionary(),
  ];
  const [kinds, segments, stages] = [
    new Dictionary<string | null>(),
    new Dictionary<string | null>(),
    new Dictionary<string | null>(),
  ];
  const monthByDay = new Map<number, number>();
  for (const stage of [...settings.stageOrder, ...settings.terminalStages]) stages.id(stage);
  for (const issue of issues) for (const stage of issue.visits.keys()) stages.id(stage);
  for (const issue of issues) for (const stage of issue.stageMs.keys()) stages.id(stage);
  stages.id(null);
  const stageCount = stages.keys.length;
  const labelIds: number[] = [];
  const assigneeIds: number[] = [];
  const table: IssueTable = {
    size: n,
    forge: new Uint32Array(n),
    project: new Uint32Array(n),
    kind: new Uint32Array(n),
    segment: new Uint32Array(n),
    stage: new Uint32Array(n),
    iid: new Float64Array(n),
    title: new Array<string | null>(n),
    labelStart: new Uint32Array(n + 1),
    label: new Uint32Array(0),
    assigneeStart: new Uint32Array(n + 1),
    assignee: new Uint32Array(0),
    closed: new Uint8Array(n),
    stale: new Uint8Array(n),
    suggestLost: new Uint8Array(n),
    createdMs: new Float64Array(n),
    lastActivityMs: new Float64Array(n),
    openMs: new Float64Array(n),
    currentStageMs: new Float64Array(n),
    stageMs: new Float64Array(n * stageCount),
    stageVisits: new Uint32Array(n * stageCount),
    stageTimed: new Uint8Array(n * stageCount),
    spentSeconds: new Float64Array(n),
    estimateSeconds: new Float64Array(n),
    soldHours: new Float64Array(n),
    burn: new Float64Array(n),
    durations: settings.definitions.map(() => ({
      state: new Uint8Array(n),
      status: new Uint8Array(n),
      startMs: new Float64Array(n),
      endMs: new Float64Array(n),
      ms: new Float64Array(n),
      activeMs: new Float64Array(n),
      month: new Uint32Array(n),
    })),
    forecast: forecastColumns(issues, settings, nowMs, forecasts),
    keys: {
      forge: forges.keys,
      project: projects.keys,
      label: labels.keys,
      assignee: assignees.keys,
      kind: kinds.keys,
      segment: segments.keys,
      stage: stages.keys,
      month: months.keys,
    },
  };
  issues.forEach((issue, i) => {
    table.forge[i] = forges.id(issue.id.forge);
    table.project[i] = projects.id(issue.id.project);
    table.iid[i] = issue.id.iid;
    table.title[i] = issue.title;
    table.kind[i] = kinds.id(issue.kind);
    table.segment[i] = segments.id(issue.segment);
    table.stage[i] = stages.id(issue.stage);
    for (const label of issue.labels) labelIds.push(labels.id(label));
    table.labelStart[i + 1] = labelIds.length;
    for (const assignee of issue.assignees) assigneeIds.push(assignees.id(assignee));
    table.assigneeStart[i + 1] = assigneeIds.length;
    table.closed[i] = issue.closed ? 1 : 0;
    table.createdMs[i] = issue.createdMs;
    table.lastActivityMs[i] = issue.lastActivityMs;
    const { effort, soldHours, burn } = issue.effort;
    table.spentSeconds[i] = effort.spentSeconds ?? Number.NaN;
    table.estimateSeconds[i] = effort.estimateSeconds ?? Number.NaN;
    table.soldHours[i] = soldHours ?? Number.NaN;
    table.burn[i] = burn ?? Number.NaN;
    for (const stage of issue.stageMs.keys()) table.stageTimed[i * stageCount + stages.id(stage)] = 1;
    for (const [stage, visits] of issue.visits) table.stageVisits[i * stageCount + stages.id(stage)] = visits;
    writeClockColumns(table, i, issue, settings, nowMs, (stage) => stages.id(stage));
    settings.definitions.forEach((definition, k) => {
      const d = issue.durations.get(definition.name);
      if (!d) return;
      const columns = table.durations[k]!;
      columns.startMs[i] = d.startMs;
      columns.endMs[i] = d.endMs ?? Number.NaN;
      columns.month[i] = monthKey(d.startMs, months, monthByDay);
    });
  });
  table.label = Uint32Array.from(labelIds);
  table.assignee = Uint32Array.from(assigneeIds);
  return table;
}

/** Row i's columns that move with the clock (see moveTable). */
function writeClockColumns(
  table: IssueTable,
  i: number,
  issue: IssueMetrics,
  settings: MetricsSettings,
  nowMs: number,
  stageId: (stage: string) => number,
): void {
  const stageCount = table.keys.stage.length;
  table.stale[i] = issue.stale ? 1 : 0;
  table.suggestLost[i] = issue.suggestLost ? 1 : 0;
  table.openMs[i] = issue.openMs;
  table.currentStageMs[i] = settings.measure(issue.stageSinceMs, nowMs);
  for (const [stage, ms] of issue.stageMs) table.stageMs[i * stageCount + stageId(stage)] = ms;
  settings.definitions.forEach((definition, k) => {
    const d = issue.durations.get(definition.name);
    if (!d) return;
    const columns = table.durations[k]!;
    columns.state[i] = STATES.indexOf(d.state);
    columns.status[i] = STATUSES.indexOf(d.status);
    columns.ms[i] = d.ms;
    columns.activeMs[i] = d.activeMs;
  });
}

/**
 * `buildTable(issues, settings, nowMs)` from the table of the same rows as of another instant,
 * when only the clock moved between the two (each row's metrics moved by advanceMetrics: the same
 * stages, labels, durations' starts and ends, so the same keys): the columns measured up to "now"
 * and the forecasts are made again, the others shared with `table`, which stays as it was.
 */
export function moveTable(
  table: IssueTable,
  issues: readonly IssueMetrics[],
  settings: MetricsSettings,
  nowMs: number,
  forecasts?: ForecastMemo,
): IssueTable {
  const stageIds = new Map(table.keys.stage.map((stage, id) => [stage, id]));
  const moved: IssueTable = {
    ...table,
    stale: table.stale.slice(),
    suggestLost: table.suggestLost.slice(),
    openMs: table.openMs.slice(),
    currentStageMs: table.currentStageMs.slice(),
    stageMs: table.stageMs.slice(),
    durations: table.durations.map((columns) => ({
      ...columns,
      state: columns.state.slice(),
      status: columns.status.slice(),
      ms: columns.ms.slice(),
      activeMs: columns.activeMs.slice(),
    })),
    forecast: forecastColumns(issues, settings, nowMs, forecasts),
  };
  issues.forEach((issue, i) => writeClockColumns(moved, i, issue, settings, nowMs, (stage) => stageIds.get(stage)!));
  return moved;
}

/** Issue i's identity. */
export function issueIdAt(table: IssueTable, i: number): IssueId {
  return {
    forge: table.keys.forge[table.forge[i]!]!,
    project: table.keys.project[table.project[i]!]!,
    iid: table.iid[i]!,
  };
}

/** NaN, how the table's number columns hold "none", as null. */
export const orNull = (value: number): number | null => (Number.isNaN(value) ? null : value);

/** Issue i's assignees. */
export function assigneesAt(table: IssueTable, i: number): string[] {
  const logins: string[] = [];
  for (let at = table.assigneeStart[i]!; at < table.assigneeStart[i + 1]!; at++)
    logins.push(table.keys.assignee[table.assignee[at]!]!);
  return logins;
}
