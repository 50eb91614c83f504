import { filterChoices } from '../table/choices.js';
import { buildReport } from '../json/metrics.js';
import { selectIssues } from '../table/select.js';
import { renderCsv } from '../formats/csv.js';
import { forecastOfIssue } from '../table/issue-forecast.js';
import type { MetricsFilter } from '../table/filter.js';
import { renderPrometheus } from '../formats/prometheus.js';
import type { MetricsSettings } from '../durations/settings.js';
import type { IssueTable } from '../table/table.js';
import type { Forecast, IssueId, MetricsReport } from '../contract.js';

/** What a /metrics or /dashboard request asks of the table: plain data, so it can cross to a thread. */
export type MetricsQuery =
  | { format: 'json'; filter: MetricsFilter; echo: Record<string, string>; limit: number | undefined }
  | { format: 'prometheus' | 'csv'; filter: MetricsFilter }
  | { format: 'dashboard'; filter: MetricsFilter; echo: Record<string, string> }
  /** One issue's go-live forecast, as the table's build made it (/metrics/issues/…). */
  | { format: 'forecast'; issue: IssueId };

export interface DashboardData {
  report: MetricsReport;
  choices: { kinds: string[]; segments: string[] };
  storeHasTransitions: boolean;
}

/** A response body (JSON already serialised), the dashboard's data to render, or one issue's forecast. */
export type MetricsAnswer = { body: string } | { dashboard: DashboardData } | { forecast: Forecast | null };

/** Answers a query over the table as of `asOfMs`. Pure. */
export function answerQuery(
  table: IssueTable,
  asOfMs: number,
  query: MetricsQuery,
  settings: MetricsSettings,
): MetricsAnswer {
  if (query.format === 'forecast') return { forecast: forecastOfIssue(table, query.issue, settings) };
  const selection = selectIssues(table, query.filter);
  switch (query.format) {
    case 'json':
      return { body: JSON.stringify(buildReport(table, selection, settings, asOfMs, query.echo, query.limit)) };
    case 'prometheus':
      return { body: renderPrometheus(table, selection, settings, asOfMs) };
    case 'csv':
      return { body: renderCsv(table, selection, settings) };
    case 'dashboard':
      // The default list limit, as /metrics without `?limit`: the page shows the numbers a JSON client gets.
      return {
        dashboard: {
          report: buildReport(table, selection, settings, asOfMs, query.echo),
          choices: filterChoices(table),
          storeHasTransitions: table.size > 0,
        },
      };
  }
}
