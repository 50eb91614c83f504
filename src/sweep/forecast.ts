import { forecastEngagement, forecastHistory } from '../metrics/forecast/engagement.js';
import type { ForecastHistory } from '../metrics/forecast/history.js';
import { describeForecast, kpiTargetDays, reportedForecast } from '../metrics/forecast/report.js';
import { issueMetrics, type IssueFacts } from '../metrics/durations/issue-metrics.js';
import type { MetricsSettings } from '../metrics/durations/settings.js';

/**
 * The go-live forecast line for one issue's sweep comment, the same as /metrics forecasts at the
 * same instant: learnt from every issue with transitions (`issues`, in any order: the survival
 * curves sort what they learn from), seeded per issue. The history is built at the first line
 * asked for, once: a sweep that shows no forecast simulates nothing.
 * Null when the issue's KPI duration is not running.
 */
export function sweepForecasts(
  issues: readonly IssueFacts[],
  settings: MetricsSettings,
  nowMs: number,
): (issue: IssueFacts) => string | null {
  const targetDays = kpiTargetDays(settings);
  let history: ForecastHistory | undefined;
  let draws: Float64Array | undefined;
  return (issue) => {
    history ??= forecastHistory(
      issues.map((facts) => issueMetrics(facts, settings, nowMs)),
      settings,
      nowMs,
    );
    draws ??= new Float64Array(settings.forecast.draws);
    const forecast = forecastEngagement(history, issueMetrics(issue, settings, nowMs), settings, nowMs, draws);
    return forecast && `Go-live forecast: ${describeForecast(reportedForecast(forecast, settings, targetDays))}`;
  };
}
