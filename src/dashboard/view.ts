import type { DurationEvent } from '../config/schema.js';
import type { ResolvedDefinition } from '../metrics/durations/settings.js';
import type {
  AssigneeReport,
  DurationReport,
  FinishedEngagement,
  MetricsReport,
  OpenEngagement,
  StageReport,
} from '../metrics/contract.js';
import type { DashboardSelection } from './query.js';

/** Finished engagements beyond this many are in the CSV export, not on the page. */
export const FINISHED_SHOWN = 40;

export type PageEmptyState = 'no-transitions' | 'no-match' | null;

/** Everything the page shows, taken from one /metrics report: the page never computes a number. */
export interface DashboardView {
  generatedAt: string;
  measure: MetricsReport['measure'];
  kpi: {
    name: string;
    /** "enters deployment", for sentences like "an engagement starts when it enters deployment". */
    startsWhen: string;
    endsWhen: string;
    targetDays: number | null;
    atRiskAfterDays: number | null;
  };
  filters: { selection: DashboardSelection; kinds: string[]; segments: string[]; token: string | undefined };
  links: { json: string; csv: string; reset: string };
  empty: PageEmptyState;
  /** The KPI's aggregate; null when no duration definition carries the KPI's name. */
  summary: DurationReport | null;
  /** The engagements listed, and how many there are in all (the report lists at most its limit). */
  finished: { rows: FinishedEngagement[]; total: number };
  open: { rows: OpenEngagement[]; total: number };
  trend: MetricsReport['kpi']['trend'];
  stages: StageReport[];
  board: MetricsReport['issues']['byStage'];
  engineers: AssigneeReport[];
}

export interface ViewContext {
  selection: DashboardSelection;
  /** The /metrics query that selects what the dashboard shows (filters only, no token). */
  metricsQuery: Record<string, string>;
  token: string | undefined;
  /** Kinds and segments known to the store, for the filter's choices. */
  choices: { kinds: string[]; segments: string[] };
  storeHasTransitions: boolean;
  kpiDefinition: ResolvedDefinition | undefined;
}

function describeEvent(event: DurationEvent): string {
  if ('enter' in event) return `enters ${event.enter}`;
  if ('leave' in event) return `leaves ${event.leave}`;
  if ('labelAdded' in event) return `gets the label ${event.labelAdded}`;
  return 'is created';
}

const describeEvents = (events: readonly DurationEvent[] | undefined): string =>
  events?.length ? events.map(describeEvent).join(' or ') : 'reaches its configured event';

/** A same-origin URL with the query, and the bearer token when the page was opened with one. */
export function linkTo(path: string, query: Record<string, string>, token: string | undefined): string {
  const params = new URLSearchParams(query);
  if (token !== undefined) params.set('token', token);
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/** A selected value stays offered even when no issue carries it (yet), so the form shows what is applied. */
function withSelected(options: readonly string[], selected: string | null): string[] {
  return [...new Set(selected === null ? options : [...options, selected])].sort((a, b) => a.localeCompare(b));
}

/** The dashboard's view of a /metrics report. Pure. */
export function dashboardView(report: MetricsReport, context: ViewContext): DashboardView {
  const { selection, metricsQuery, token, kpiDefinition } = context;
  const { kpi } = report;
  const summary = report.durations.find((duration) => duration.name === kpi.name) ?? null;
  return {
    generatedAt: report.generatedAt,
    measure: report.measure,
    kpi: {
      name: kpi.name,
      startsWhen: describeEvents(kpiDefinition?.start),
      endsWhen: describeEvents(kpiDefinition?.end),
      targetDays: kpi.targetDays,
      atRiskAfterDays: kpi.atRiskAfterDays,
    },
    filters: {
      selection,
      kinds: withSelected(context.choices.kinds, selection.kind),
      segments: withSelected(context.choices.segments, selection.segment),
      token,
    },
    links: {
      json: linkTo('/metrics', metricsQuery, token),
      csv: linkTo('/metrics', { ...metricsQuery, format: 'csv' }, token),
      reset: linkTo('/dashboard', {}, token),
    },
    empty: !context.storeHasTransitions ? 'no-transitions' : report.issues.total === 0 ? 'no-match' : null,
    summary,
    finished: { rows: kpi.finished.slice(0, FINISHED_SHOWN), total: summary?.finished.count ?? kpi.finished.length },
    open: { rows: kpi.open, total: summary?.open.count ?? kpi.open.length },
    trend: kpi.trend,
    stages: report.stages,
    board: report.issues.byStage,
    engineers: report.byAssignee,
  };
}
