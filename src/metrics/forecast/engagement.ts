import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { issueKey } from '../../domain/types.js';
import type { IssueMetrics } from '../durations/issue-metrics.js';
import type { Measure } from '../durations/measure.js';
import type { MetricsSettings } from '../durations/settings.js';
import type { ForecastBasis } from '../contract.js';
import { ForecastHistory, observedEngagement } from './history.js';
import type { ForecastMemo } from './memo.js';
import { simulate, type Simulation } from './simulate.js';

/** One open engagement's forecast in milliseconds, before it is rendered for a report. */
export type EngagementForecast =
  | ({ status: 'forecast'; samples: number; basis: ForecastBasis } & Simulation)
  | { status: 'too-little-history'; samples: number };

/** Every finished or running KPI duration among `issues` as of `nowMs`, as the history forecasts learn from. */
export function forecastHistory(
  issues: readonly IssueMetrics[],
  settings: MetricsSettings,
  nowMs: number,
): ForecastHistory {
  const observed = issues.flatMap((issue) => observedEngagement(issue, settings.kpi, nowMs) ?? []);
  return new ForecastHistory(observed, settings.forecast.minimumHistory);
}

/** FNV-1a: a stable 32-bit seed per issue, so its forecast does not depend on the other issues. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The first instant at which `measure` from `startMs` exceeds `targetMs`, to the minute: the latest go-live that meets the target. */
export function deadlineAfter(measure: Measure, startMs: number, targetMs: number): number {
  let span = targetMs;
  while (measure(startMs, startMs + span) <= targetMs) span *= 2;
  let [low, high] = [0, span];
  while (high - low > 60_000) {
    const middle = (low + high) / 2;
    if (measure(startMs, startMs + middle) <= targetMs) low = middle;
    else high = middle;
  }
  return startMs + low;
}

/**
 * The forecast of one issue whose KPI duration is running as of `nowMs`, or null when it is not
 * running (not started, finished, or stopped). `draws` is scratch space: its length is the number
 * of simulated futures. With a `memo`, the last build's forecast is reused when pool and path are the same.
 */
export function forecastEngagement(
  history: ForecastHistory,
  issue: IssueMetrics,
  settings: MetricsSettings,
  nowMs: number,
  draws: Float64Array,
  memo?: ForecastMemo,
): EngagementForecast | null {
  const duration = issue.durations.get(settings.kpi);
  if (duration?.state !== 'open' || issue.closed || issue.stage === null) return null;
  const pool = history.poolFor(issue.kind, issue.segment);
  if (!pool) return { status: 'too-little-history', samples: history.size };
  const path = {
    startMs: duration.startMs,
    stage: issue.stage,
    stageSinceMs: Math.max(issue.stageSinceMs, duration.startMs),
    deadlineMs:
      duration.targetMs === null ? null : deadlineAfter(settings.measure, duration.startMs, duration.targetMs),
  };
  const key = issueKey(issue.id);
  const forecast = (): EngagementForecast => {
    const rng = xoroshiro128plus(settings.forecast.seed ^ hash(key));
    return {
      status: 'forecast',
      samples: pool.engagements,
      basis: pool.basis,
      ...simulate(pool, path, nowMs, rng, draws),
    };
  };
  if (!memo) return forecast();
  const { seed, draws: count } = settings.forecast;
  return memo.recall(
    pool.fingerprint,
    [key, path.startMs, path.stage, path.stageSinceMs, path.deadlineMs, nowMs, seed, count].join('|'),
    forecast,
  );
}
