import type { IssueState } from '../domain/types.js';
import type { DurationResult, Forecast, IssueReport, TargetStatus } from '../metrics/contract.js';
import { UNSTAGED } from '../metrics/durations/walk.js';

const DAY_SECONDS = 86_400;
/** The SOW Request template's field naming the customer (src/templates/definitions.ts). */
export const CUSTOMER_FIELD = 'customer_name';

/**
 * What a status page may show about one engagement. Everything else the report holds (labels,
 * assignees, transitions' actors, other engagements) is left out here, so the page cannot leak it.
 * Plan progress joins as one more field once plans exist.
 */
export interface StatusView {
  customer: string | null;
  generatedAt: string;
  stage: string | null;
  closed: boolean;
  /** Stage visits in order; `to` is null for the visit still running. */
  timeline: { stage: string; from: string; to: string | null; days: number }[];
  implementation: {
    name: string;
    /** `not-started`: the KPI duration has no start yet. */
    state: DurationResult['state'] | 'not-started';
    start: string | null;
    end: string | null;
    days: number | null;
    targetDays: number | null;
    status: TargetStatus | null;
  };
  /** Null unless the implementation is running. */
  forecast: { p50: string; p85: string; chanceWithinTarget: number | null } | { tooLittleHistory: true } | null;
  expiresAt: string;
}

export interface StatusFacts {
  report: IssueReport;
  state: IssueState | null;
  /** The KPI duration (`durations.kpi`) and its target. */
  kpi: { name: string; targetDays: number | null };
  expiresAt: Date;
}

export function customerName(state: IssueState | null): string | null {
  const fields = state?.extra.fields;
  const value = fields && typeof fields === 'object' ? (fields as Record<string, unknown>)[CUSTOMER_FIELD] : undefined;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function forecastOf(forecast: Forecast | null, running: boolean): StatusView['forecast'] {
  if (!running || forecast === null) return null;
  if (forecast.status === 'too-little-history') return { tooLittleHistory: true };
  return { p50: forecast.p50, p85: forecast.p85, chanceWithinTarget: forecast.chanceWithinTarget };
}

/** Pure: the page's content from the engagement's per-issue report (the one /metrics/issues/… serves). */
export function statusView({ report, state, kpi, expiresAt }: StatusFacts): StatusView {
  const duration = report.durations[kpi.name];
  const last = report.timeline.length - 1;
  const timeline = report.timeline
    .map((visit, index) => ({ ...visit, running: index === last && report.state === 'open' }))
    .filter((visit) => visit.stage !== UNSTAGED)
    .map((visit) => ({
      stage: visit.stage,
      from: visit.from,
      to: visit.running ? null : visit.to,
      days: visit.seconds / DAY_SECONDS,
    }));
  return {
    customer: customerName(state),
    generatedAt: report.generatedAt,
    stage: report.stage,
    closed: report.state === 'closed',
    timeline,
    implementation: {
      name: kpi.name,
      state: duration?.state ?? 'not-started',
      start: duration?.start ?? null,
      end: duration?.end ?? null,
      days: duration ? duration.seconds / DAY_SECONDS : null,
      targetDays: kpi.targetDays,
      status: duration?.status ?? null,
    },
    forecast: forecastOf(report.forecast, duration?.state === 'open'),
    expiresAt: expiresAt.toISOString(),
  };
}
