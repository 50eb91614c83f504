/**
 * Replays finished engagements as of moments during their implementation, forecasts each from
 * the history finished by then, and compares with what happened; the naive baseline predicts the
 * historical median duration minus the time elapsed.
 */
import { issueKey, type Transition } from '../../src/domain/types.js';
import { computeIssues } from '../../src/metrics/durations/issue-metrics.js';
import { issueFacts } from '../../src/metrics/durations/issue-facts.js';
import { forecastEngagement } from '../../src/metrics/forecast/engagement.js';
import { ForecastHistory, pastEngagement, type PastEngagement } from '../../src/metrics/forecast/history.js';
import { issueMetrics } from '../../src/metrics/durations/issue-metrics.js';
import type { MetricsSettings } from '../../src/metrics/durations/settings.js';
import { median } from '../support.js';

const DAY = 86_400_000;
/** Moments of each replayed implementation, as fractions of its actual duration. */
export const FRACTIONS = [0.1, 0.25, 0.5, 0.75, 0.9];

export interface Backtest {
  finishedEngagements: number;
  /** Replayed moments that got a forecast, and those with too little history finished by then. */
  forecasts: number;
  tooLittleHistory: number;
  /** Share of actual go-lives on or before the P85 date (aim 0.80–0.90), and the P50 date. */
  withinP85: number;
  withinP50: number;
  /** Median absolute error of the P50 date and of the baseline, in days. */
  p50ErrorDays: number;
  baselineErrorDays: number;
}

const endOfDay = (ms: number) => (Math.floor(ms / DAY) + 1) * DAY;

export function backtest(transitions: readonly Transition[], settings: MetricsSettings, endMs: number): Backtest {
  const byIssue = new Map<string, Transition[]>();
  for (const t of transitions) byIssue.set(issueKey(t), [...(byIssue.get(issueKey(t)) ?? []), t]);
  const issues = computeIssues(issueFacts(transitions, []), settings, endMs);
  // A finished engagement's path inside its window is the same whenever it is computed after its end.
  const finished = issues.flatMap((issue) => {
    const past = pastEngagement(issue, settings.kpi);
    return past ? [{ key: issueKey(issue.id), past }] : [];
  });
  const draws = new Float64Array(settings.forecast.draws);
  const errors: number[] = [];
  const baselineErrors: number[] = [];
  let [forecasts, tooLittleHistory, withinP85, withinP50] = [0, 0, 0, 0];
  for (const { key, past } of finished) {
    for (const fraction of FRACTIONS) {
      const asOfMs = past.startMs + fraction * (past.endMs - past.startMs);
      const known: PastEngagement[] = finished.flatMap((f) => (f.past.endMs <= asOfMs ? [f.past] : []));
      const history = new ForecastHistory(known, settings.forecast.minimumHistory);
      const [facts] = issueFacts(byIssue.get(key)!.filter((t) => Date.parse(t.at) <= asOfMs), []);
      const forecast = forecastEngagement(history, issueMetrics(facts!, settings, asOfMs), settings, asOfMs, draws);
      if (forecast?.status !== 'forecast') {
        tooLittleHistory++;
        continue;
      }
      forecasts++;
      if (past.endMs < endOfDay(forecast.p85Ms)) withinP85++;
      if (past.endMs < endOfDay(forecast.p50Ms)) withinP50++;
      errors.push(Math.abs(past.endMs - forecast.p50Ms) / DAY);
      const typical = median(known.map((k) => k.endMs - k.startMs));
      baselineErrors.push(Math.abs(past.endMs - (asOfMs + Math.max(0, typical - (asOfMs - past.startMs)))) / DAY);
    }
  }
  return {
    finishedEngagements: finished.length,
    forecasts,
    tooLittleHistory,
    withinP85: withinP85 / forecasts,
    withinP50: withinP50 / forecasts,
    p50ErrorDays: median(errors),
    baselineErrorDays: median(baselineErrors),
  };
}
