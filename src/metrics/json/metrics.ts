import type { IssueDuration } from '../durations/issue-metrics.js';
import { byAssignee } from './by-assignee.js';
import { forecastAt, forecastBuckets } from '../forecast/report.js';
import { DAY_MS } from '../durations/measure.js';
import type { MetricsSettings } from '../durations/settings.js';
import { stats } from '../durations/stats.js';
import { burnReport } from '../table/burn.js';
import { SURFACES, withFieldsAt } from '../table/columns.js';
import {
  displayKey,
  FINISHED,
  issueIdAt,
  OPEN,
  STATUSES,
  type DurationColumns,
  type IssueTable,
} from '../table/table.js';
import type { DurationReport, DurationResult, Group, MetricsReport, StageReport } from '../contract.js';

/** Engagement lists in the report are cut to this many rows unless `?limit` says otherwise. */
export const DEFAULT_LIST_LIMIT = 100;
const [MET, ON_TRACK, AT_RISK, BREACHED] = ['met', 'on-track', 'at-risk', 'breached'].map((s) =>
  STATUSES.indexOf(s as never),
);
/** Sort rank of open engagements: breached first, then at-risk, on-track, no target. */
const RISK_RANK = STATUSES.map((_, code) => [BREACHED, AT_RISK, ON_TRACK].indexOf(code)).map((rank) =>
  rank === -1 ? 3 : rank,
);

const iso = (ms: number): string => new Date(ms).toISOString();
const toDays = (ms: number): number => Math.round((ms / DAY_MS) * 100) / 100;

export function durationResult(d: IssueDuration): DurationResult {
  return {
    state: d.state,
    start: iso(d.startMs),
    end: d.endMs === null ? null : iso(d.endMs),
    seconds: d.ms / 1000,
    activeSeconds: d.activeMs / 1000,
    targetSeconds: d.targetMs === null ? null : d.targetMs / 1000,
    status: d.status,
  };
}

function stageRank(settings: MetricsSettings): (stage: string) => number {
  return (stage) => {
    const index = settings.stageOrder.indexOf(stage);
    return index === -1 ? settings.stageOrder.length : index;
  };
}

/**
 * Finished values and open counts per shown key of one dimension (kind, segment, stage, month);
 * ids whose keys show alike (a missing kind and a kind named `none`) form one group.
 */
function groups(
  keys: readonly (string | null)[],
  ids: Uint32Array,
  columns: DurationColumns,
  selection: Uint32Array,
  order: (a: string, b: string) => number,
): Group[] {
  const shown = [...new Set(keys.map(displayKey))];
  const groupOf = keys.map((key) => shown.indexOf(displayKey(key)));
  const finished: number[][] = shown.map(() => []);
  const open = new Uint32Array(shown.length);
  const present = new Uint8Array(shown.length);
  for (const i of selection) {
    const state = columns.state[i]!;
    if (state === 0) continue;
    const group = groupOf[ids[i]!]!;
    present[group] = 1;
    if (state === FINISHED) finished[group]!.push(columns.ms[i]!);
    else if (state === OPEN) open[group]!++;
  }
  return shown
    .map((key, group) => ({ key, group }))
    .filter(({ group }) => present[group])
    .sort((a, b) => order(a.key, b.key))
    .map(({ key, group }) => ({ key, finished: stats(finished[group]!), open: open[group]! }));
}

function durationReport(
  table: IssueTable,
  k: number,
  selection: Uint32Array,
  settings: MetricsSettings,
): DurationReport {
  const definition = settings.definitions[k]!;
  const columns = table.durations[k]!;
  const finished: number[] = [];
  const finishedActive: number[] = [];
  const elapsed: number[] = [];
  const byStatus = { 'on-track': 0, 'at-risk': 0, breached: 0 };
  let met = 0;
  let stopped = 0;
  for (const i of selection) {
    const state = columns.state[i]!;
    if (state === 0) continue;
    const status = columns.status[i]!;
    if (state === FINISHED) {
      finished.push(columns.ms[i]!);
      finishedActive.push(columns.activeMs[i]!);
      if (status === MET) met++;
    } else if (state === OPEN) {
      elapsed.push(columns.ms[i]!);
      if (status === ON_TRACK) byStatus['on-track']++;
      else if (status === AT_RISK) byStatus['at-risk']++;
      else if (status === BREACHED) byStatus.breached++;
    } else stopped++;
  }
  const byName = (a: string, b: string) => a.localeCompare(b);
  const rank = stageRank(settings);
  return {
    name: definition.name,
    targetSeconds: definition.targetMs === null ? null : definition.targetMs / 1000,
    finished: stats(finished),
    withinTarget: definition.targetMs === null || finished.length === 0 ? null : met / finished.length,
    finishedActive: stats(finishedActive),
    open: { count: elapsed.length, elapsed: stats(elapsed), byStatus },
    stopped,
    byKind: groups(table.keys.kind, table.kind, columns, selection, byName),
    bySegment: groups(table.keys.segment, table.segment, columns, selection, byName),
    byStage: groups(table.keys.stage, table.stage, columns, selection, (a, b) => rank(a) - rank(b) || byName(a, b)),
    byMonth: groups(table.keys.month, columns.month, columns, selection, byName),
  };
}

function stageReports(table: IssueTable, selection: Uint32Array, settings: MetricsSettings): StageReport[] {
  const stages = table.keys.stage;
  const count = stages.length;
  const finished: number[][] = stages.map(() => []);
  const current: number[][] = stages.map(() => []);
  const visits = new Uint32Array(count);
  for (const i of selection) {
    const currentStage = table.closed[i] ? -1 : table.stage[i]!;
    const row = i * count;
    for (let s = 0; s < count; s++) {
      visits[s]! += table.stageVisits[row + s]!;
      const ms = table.stageMs[row + s]!;
      if (s === currentStage) current[s]!.push(table.currentStageMs[i]!);
      else if (ms > 0 || table.stageVisits[row + s]! > 0) finished[s]!.push(ms);
    }
  }
  const rank = stageRank(settings);
  return stages
    .map((stage, s) => ({ stage, s }))
    .filter((entry): entry is { stage: string; s: number } => entry.stage !== null)
    .filter(
      ({ stage, s }) => !settings.terminalStages.has(stage) && (finished[s]!.length > 0 || current[s]!.length > 0),
    )
    .sort((a, b) => rank(a.stage) - rank(b.stage) || a.stage.localeCompare(b.stage))
    .map(({ stage, s }) => ({
      stage,
      finished: stats(finished[s]!),
      visits: visits[s]!,
      current: { count: current[s]!.length, elapsed: stats(current[s]!) },
    }));
}

function engagement(table: IssueTable, columns: DurationColumns, i: number) {
  const ms = columns.ms[i]!;
  return Object.assign(withFieldsAt(issueIdAt(table, i), SURFACES.rows, table, i), {
    start: iso(columns.startMs[i]!),
    seconds: ms / 1000,
    activeSeconds: columns.activeMs[i]! / 1000,
    days: toDays(ms),
    status: STATUSES[columns.status[i]!] ?? null,
  });
}

function kpiReport(
  table: IssueTable,
  selection: Uint32Array,
  settings: MetricsSettings,
  report: DurationReport | undefined,
  limit: number,
): MetricsReport['kpi'] {
  const k = settings.definitions.findIndex((d) => d.name === settings.kpi);
  const definition = settings.definitions[k];
  const targetDays = definition?.targetMs == null ? null : definition.targetMs / DAY_MS;
  const columns = table.durations[k];
  const finished: number[] = [];
  const open: number[] = [];
  if (columns)
    for (const i of selection)
      (columns.state[i] === FINISHED ? finished : columns.state[i] === OPEN ? open : []).push(i);
  const c = columns!;
  finished.sort((a, b) => c.endMs[b]! - c.endMs[a]!);
  open.sort((a, b) => RISK_RANK[c.status[a]!]! - RISK_RANK[c.status[b]!]! || c.ms[b]! - c.ms[a]!);
  return {
    name: settings.kpi,
    targetDays,
    atRiskAfterDays: definition?.atRiskMs == null ? null : definition.atRiskMs / DAY_MS,
    finished: finished.slice(0, limit).map((i) => ({ ...engagement(table, c, i), end: iso(c.endMs[i]!), targetDays })),
    open: open.slice(0, limit).map((i) =>
      Object.assign(withFieldsAt(engagement(table, c, i), SURFACES.openRows, table, i), {
        targetDays,
        forecast: forecastAt(table.forecast, i, settings, targetDays),
      }),
    ),
    trend: (report?.byMonth ?? [])
      .filter((group) => group.finished.count > 0)
      .map((group) => ({
        month: group.key,
        count: group.finished.count,
        median: group.finished.median,
        p90: group.finished.p90,
      })),
  };
}

/** The /metrics report over the selected rows of the table. Pure. */
export function buildReport(
  table: IssueTable,
  selection: Uint32Array,
  settings: MetricsSettings,
  nowMs: number,
  filter: Record<string, string>,
  limit = DEFAULT_LIST_LIMIT,
): MetricsReport {
  const durations = settings.definitions.map((_, k) => durationReport(table, k, selection, settings));
  const perStage = new Uint32Array(table.keys.stage.length);
  let closed = 0;
  let stale = 0;
  let suggestLost = 0;
  for (const i of selection) {
    perStage[table.stage[i]!]!++;
    closed += table.closed[i]!;
    stale += table.stale[i]!;
    suggestLost += table.suggestLost[i]!;
  }
  const rank = stageRank(settings);
  return {
    version: 1,
    generatedAt: iso(nowMs),
    unit: 'seconds',
    measure: settings.measureName,
    filter,
    issues: {
      total: selection.length,
      open: selection.length - closed,
      closed,
      stale,
      suggestLost,
      byStage: table.keys.stage
        .map((stage, s) => ({ stage: displayKey(stage), count: perStage[s]! }))
        .filter(({ count }) => count > 0)
        .sort((a, b) => rank(a.stage) - rank(b.stage) || a.stage.localeCompare(b.stage)),
    },
    durations,
    stages: stageReports(table, selection, settings),
    kpi: kpiReport(
      table,
      selection,
      settings,
      durations.find((d) => d.name === settings.kpi),
      limit,
    ),
    forecast: {
      minimumHistory: settings.forecast.minimumHistory,
      draws: settings.forecast.draws,
      byBucket: forecastBuckets(table.forecast, selection, settings),
    },
    byAssignee: byAssignee(table, selection, settings),
    effort: burnReport(table, selection),
  };
}
