/**
 * The /metrics JSON contract (version 1). Dashboards are built on it: add fields, never rename or
 * remove them without bumping `version`. All durations are in seconds (`unit`), measured in
 * calendar time or in business time (`measure`), UTC.
 *
 * Finished work and open work are never mixed: `finished` stats cover durations whose end event
 * happened; `open` covers running ones measured up to `generatedAt`; `stopped` counts those whose
 * issue was closed before the end event (e.g. lost), which are in neither.
 */

import type { ForgeName } from '../domain/types.js';

export type DurationState = 'finished' | 'open' | 'stopped';
/** Finished: `met` / `breached`; open: `on-track` / `at-risk` / `breached`. */
export type TargetStatus = 'met' | 'on-track' | 'at-risk' | 'breached';

export interface IssueId {
  forge: ForgeName;
  project: string;
  iid: number;
}

/** count, mean, median, p75, p90, min, max. Percentiles interpolate linearly between ranks; all null when count is 0. */
export interface Stats {
  count: number;
  mean: number | null;
  median: number | null;
  p75: number | null;
  p90: number | null;
  min: number | null;
  max: number | null;
}

/** One issue's value for one duration definition. */
export interface DurationResult {
  state: DurationState;
  /** ISO instants; `end` is null unless finished. */
  start: string;
  end: string | null;
  /** Finished: start → end; open: start → now; stopped: start → close. */
  seconds: number;
  /** `seconds` without time in paused stages / with paused labels. */
  activeSeconds: number;
  targetSeconds: number | null;
  status: TargetStatus | null;
}

export interface Group {
  key: string;
  finished: Stats;
  open: number;
}

export interface DurationReport {
  name: string;
  targetSeconds: number | null;
  finished: Stats;
  /** Share (0..1) of finished durations within target; null without a target or with none finished. */
  withinTarget: number | null;
  /** The active variant of the finished durations. */
  finishedActive: Stats;
  open: { count: number; elapsed: Stats; byStatus: Record<'on-track' | 'at-risk' | 'breached', number> };
  stopped: number;
  /** Breakdowns; `byStage` groups by current stage, `byMonth` by the month (YYYY-MM) of the start. */
  byKind: Group[];
  bySegment: Group[];
  byStage: Group[];
  byMonth: Group[];
}

export interface StageReport {
  stage: string;
  /** Time per issue in this stage (sum over its visits) for issues that have left it. */
  finished: Stats;
  visits: number;
  /** Issues in this stage now, and how long they have been in it (current visit). */
  current: { count: number; elapsed: Stats };
}

/**
 * The per-engagement columns, as JSON shows them (each declared once, in metrics/table/columns.ts,
 * with how it is read and which surfaces list it). The rows and the per-issue view pick from them.
 */
export interface EngagementFields {
  title: string | null;
  /** Current assignees' logins. */
  assignees: string[];
  kind: string | null;
  segment: string | null;
  /** Current stage; null when none is known. */
  stage: string | null;
  state: 'open' | 'closed';
  /** ISO instant the issue was created (its first transition when older than the state). */
  created: string;
  /** Time open, in non-terminal stages. */
  openSeconds: number;
  /** ISO instant a person last changed or commented on the issue (the bot's own changes and comments do not count); null when unknown. */
  lastActivity: string | null;
  stale: boolean;
  suggestLost: boolean;
}

/** The fields every engagement row lists. */
type RowFields = Pick<EngagementFields, 'title' | 'assignees' | 'kind' | 'segment'>;

export interface FinishedEngagement extends IssueId, RowFields {
  start: string;
  end: string;
  seconds: number;
  activeSeconds: number;
  days: number;
  targetDays: number | null;
  status: TargetStatus | null;
}

/** Which finished engagements a forecast stands on: same kind and segment, same kind, or all. */
export type ForecastBasis = 'kind-and-segment' | 'kind' | 'all';

/**
 * When an open engagement's KPI duration will probably end (go live), from a Monte Carlo over the
 * finished history (README, "Forecasts"). Dates are UTC days; `p85` is the date 85 % of the
 * simulated futures reach by.
 */
export type Forecast =
  | {
      status: 'forecast';
      p50: string;
      p85: string;
      /** Share (0..1) of simulated futures meeting the KPI target; null without a target. */
      chanceWithinTarget: number | null;
      targetDays: number | null;
      /** Finished engagements it stands on. */
      samples: number;
      basis: ForecastBasis;
    }
  | { status: 'too-little-history'; samples: number; minimumHistory: number };

/** Open engagements by chance of meeting the target (`likely` ≥ `forecast.likelyAtOrAbove`, `unlikely` < `forecast.unlikelyBelow`). */
export type ForecastBucket = 'likely' | 'uncertain' | 'unlikely' | 'no-target' | 'too-little-history';

export interface OpenEngagement extends IssueId, RowFields, Pick<EngagementFields, 'stage' | 'lastActivity'> {
  start: string;
  seconds: number;
  activeSeconds: number;
  days: number;
  targetDays: number | null;
  status: TargetStatus | null;
  /** Null only when the issue has no stage to forecast from. */
  forecast: Forecast | null;
}

/** One engineer's load: open KPI engagements, how many are at risk / breached, and their finished work. */
export interface AssigneeReport {
  assignee: string;
  /** Engagements assigned to them whose KPI duration is running. */
  open: number;
  /** Of those, at risk / breached. */
  atRisk: number;
  breached: number;
  /** Finished KPI durations of issues assigned to them now. */
  finished: number;
  /** Median KPI duration of their finished engagements, in seconds; null with none. */
  finishedMedian: number | null;
}

export interface MetricsReport {
  version: 1;
  generatedAt: string;
  unit: 'seconds';
  measure: 'calendar' | 'business';
  filter: Record<string, string>;
  issues: {
    total: number;
    open: number;
    closed: number;
    stale: number;
    suggestLost: number;
    /** Issues per current stage, board order first. */
    byStage: { stage: string; count: number }[];
  };
  durations: DurationReport[];
  stages: StageReport[];
  /** The KPI duration (config `durations.kpi`), engagement by engagement. */
  kpi: {
    name: string;
    targetDays: number | null;
    atRiskAfterDays: number | null;
    /** Most recently finished first; at most `?limit` rows (default 100): totals are in `durations`. */
    finished: FinishedEngagement[];
    /** Highest risk first: breached, at-risk, on-track; longest elapsed first within each. At most `?limit` rows. */
    open: OpenEngagement[];
    /** Median / p90 of finished durations per month of start, oldest first. */
    trend: { month: string; count: number; median: number | null; p90: number | null }[];
  };
  /** Forecasts of the open KPI engagements selected (all of them, not only the listed rows). */
  forecast: { minimumHistory: number; draws: number; byBucket: Record<ForecastBucket, number> };
  /** Per current assignee of the selected issues, most open engagements first. */
  byAssignee: AssigneeReport[];
}

/** Per-issue view, `GET /metrics/issues/:forge/:project/:iid`. */
export interface IssueReport
  extends IssueId,
    Pick<EngagementFields, 'kind' | 'segment' | 'state' | 'stage' | 'assignees' | 'openSeconds' | 'lastActivity' | 'stale' | 'suggestLost'> {
  version: 1;
  generatedAt: string;
  unit: 'seconds';
  timeline: { stage: string; from: string; to: string; seconds: number; paused: boolean }[];
  stageSeconds: Record<string, number>;
  durations: Record<string, DurationResult>;
  transitions: { from: string | null; to: string; at: string; actor: string; source: string }[];
  /** From the latest metrics snapshot; null when the KPI duration is not running or the snapshot does not hold the issue yet. */
  forecast: Forecast | null;
}
