import type { FinishedEngagement, IssueId, MetricsReport } from '../metrics/contract.js';
import type { Period } from './period.js';

/** The sweep labelling an engagement at risk or breached (policies' `sla::*`), as the audit recorded it. */
export interface SlaCrossing extends IssueId {
  label: string;
  at: string;
  title: string | null;
}

/** An outcome label (`outcome::won` / `outcome::lost`) recorded in the period. */
export interface Outcome extends IssueId {
  outcome: 'won' | 'lost';
  at: string;
  title: string | null;
}

/**
 * Everything one digest shows. The metrics are `/metrics` answers (the same function, the same
 * JSON), so the digest and the dashboard cannot disagree; the events come from the store.
 */
export interface DigestInput {
  period: Period;
  previous: Period;
  /** `/metrics` over every issue, its engagement lists long enough for both periods. */
  all: MetricsReport;
  /** `/metrics?state=open`: the pipeline's counts per stage. */
  open: MetricsReport;
  /** `/metrics?kind=<initiative kind>`. */
  initiatives: MetricsReport;
  crossings: SlaCrossing[];
  outcomes: Outcome[];
  salesStages: readonly string[];
  /** The duration that is the SOW's cycle time (`sow_cycle_time`), if configured. */
  sowCycleDuration: string;
  /** The issue's page on its forge. */
  issueUrl: (id: IssueId) => string | null;
  /** The service's dashboard (config `alerts.publicUrl`), null when unset. */
  dashboardUrl: string | null;
}

/** The finished KPI engagements whose end falls in the period, most recent first (as /metrics lists them). */
export function wentLive(report: MetricsReport, period: Period): FinishedEngagement[] {
  return report.kpi.finished.filter((row) => {
    const endMs = Date.parse(row.end);
    return endMs >= period.startMs && endMs < period.endMs;
  });
}

export const inPeriod = (iso: string, period: Period): boolean => {
  const ms = Date.parse(iso);
  return ms >= period.startMs && ms < period.endMs;
};
