/**
 * Replays engagements as of past instants, forecasts each from what was known then (engagements
 * finished by then, and those running then for as long as they had run), and compares with what
 * happened; the naive baseline predicts the median duration of those finished by then minus the
 * time elapsed. Two ways to pick the instants:
 * - `fractions`: each finished implementation at 10, 25, 50, 75 and 90 % of its actual duration.
 *   Every engagement weighs the same, however long it ran, and the late fractions leave little to
 *   forecast (at 90 % the rest is a ninth of the time elapsed), so on a long-tailed board it
 *   flatters calibration;
 * - `snapshots`: the board every few days, each engagement running then, as the dashboard showed
 *   it. A long engagement is forecast as often as it was on the board. One still running at the
 *   board's end counts as a miss when its P85 day is over by then, and is left out (outcome
 *   unknown) when not.
 */
import { issueKey, type Transition } from '../../src/domain/types.js';
import { computeIssues } from '../../src/metrics/durations/issue-metrics.js';
import { issueFacts } from '../../src/metrics/durations/issue-facts.js';
import { forecastEngagement } from '../../src/metrics/forecast/engagement.js';
import {
  ForecastHistory,
  knownAt,
  observedEngagement,
  type ObservedEngagement,
} from '../../src/metrics/forecast/history.js';
import { issueMetrics } from '../../src/metrics/durations/issue-metrics.js';
import type { MetricsSettings } from '../../src/metrics/durations/settings.js';
import { median } from '../support.js';

const DAY = 86_400_000;
/** Moments of each replayed implementation, as fractions of its actual duration. */
export const FRACTIONS = [0.1, 0.25, 0.5, 0.75, 0.9];
/** Days between two snapshots of the board. */
export const SNAPSHOT_DAYS = 3;

export type Replay = 'fractions' | 'snapshots';

export interface Backtest {
  /** Engagements whose KPI duration finished within the board, and those still running at its end. */
  finishedEngagements: number;
  runningAtEnd: number;
  /** Replayed moments that got a forecast, and those with too little history known by then. */
  forecasts: number;
  tooLittleHistory: number;
  /** Forecasts of engagements still running at the board's end whose P85 day is not over yet. */
  outcomeUnknown: number;
  /** Share of actual go-lives on or before the P85 date (aim 0.80–0.90), and the P50 date. */
  withinP85: number;
  withinP50: number;
  /** Median absolute error of the P50 date and of the baseline, in days (engagements that went live). */
  p50ErrorDays: number;
  baselineErrorDays: number;
}

const endOfDay = (ms: number) => (Math.floor(ms / DAY) + 1) * DAY;

/** The instants `engagement` is replayed at. */
function instants(replay: Replay, engagement: ObservedEngagement, boardStartMs: number, endMs: number): number[] {
  if (replay === 'fractions')
    return engagement.live
      ? FRACTIONS.map((f) => engagement.startMs + f * (engagement.endMs - engagement.startMs))
      : [];
  const first =
    boardStartMs + Math.ceil((engagement.startMs - boardStartMs) / (SNAPSHOT_DAYS * DAY) + 1e-9) * SNAPSHOT_DAYS * DAY;
  const until = engagement.live ? engagement.endMs : endMs;
  const at: number[] = [];
  for (let t = first; t < until; t += SNAPSHOT_DAYS * DAY) at.push(t);
  return at;
}

export function backtest(
  transitions: readonly Transition[],
  settings: MetricsSettings,
  endMs: number,
  replay: Replay,
): Backtest {
  const byIssue = new Map<string, Transition[]>();
  for (const t of transitions) byIssue.set(issueKey(t), [...(byIssue.get(issueKey(t)) ?? []), t]);
  const issues = computeIssues(issueFacts(transitions, []), settings, endMs);
  // An engagement as seen at the board's end, cut back to what was known at an earlier instant
  // (running then if it went live later), is what the service would have held at that instant.
  const observed = issues.flatMap((issue) => {
    const engagement = observedEngagement(issue, settings.kpi, endMs);
    return engagement ? [{ key: issueKey(issue.id), engagement }] : [];
  });
  const boardStartMs = Math.min(...observed.map((o) => o.engagement.startMs));
  const draws = new Float64Array(settings.forecast.draws);
  const errors: number[] = [];
  const baselineErrors: number[] = [];
  let [forecasts, tooLittleHistory, outcomeUnknown, withinP85, withinP50] = [0, 0, 0, 0, 0];
  for (const { key, engagement } of observed) {
    for (const asOfMs of instants(replay, engagement, boardStartMs, endMs)) {
      const known = observed.flatMap((o) => knownAt(o.engagement, asOfMs) ?? []);
      const history = new ForecastHistory(known, settings.forecast.minimumHistory);
      const [facts] = issueFacts(
        byIssue.get(key)!.filter((t) => Date.parse(t.at) <= asOfMs),
        [],
      );
      const forecast = forecastEngagement(history, issueMetrics(facts!, settings, asOfMs), settings, asOfMs, draws);
      if (forecast?.status !== 'forecast') {
        tooLittleHistory++;
        continue;
      }
      if (!engagement.live && endOfDay(forecast.p85Ms) > endMs) {
        outcomeUnknown++;
        continue;
      }
      forecasts++;
      // Still running at the board's end: it went live after both dates, if ever.
      const goLiveMs = engagement.live ? engagement.endMs : Infinity;
      if (goLiveMs < endOfDay(forecast.p85Ms)) withinP85++;
      if (goLiveMs < endOfDay(forecast.p50Ms)) withinP50++;
      if (!engagement.live) continue;
      errors.push(Math.abs(goLiveMs - forecast.p50Ms) / DAY);
      const typical = median(known.flatMap((k) => (k.live ? [k.endMs - k.startMs] : [])));
      baselineErrors.push(Math.abs(goLiveMs - (asOfMs + Math.max(0, typical - (asOfMs - engagement.startMs)))) / DAY);
    }
  }
  return {
    finishedEngagements: observed.filter((o) => o.engagement.live).length,
    runningAtEnd: observed.filter((o) => !o.engagement.live).length,
    forecasts,
    tooLittleHistory,
    outcomeUnknown,
    withinP85: withinP85 / forecasts,
    withinP50: withinP50 / forecasts,
    p50ErrorDays: median(errors),
    baselineErrorDays: median(baselineErrors),
  };
}
