import type { IssueMetrics } from '../durations/issue-metrics.js';
import type { MetricsSettings } from '../durations/settings.js';
import type { ForecastBasis } from '../contract.js';
import { forecastEngagement, forecastHistory, type EngagementForecast } from './engagement.js';
import type { ForecastMemo } from './memo.js';

/** Codes of `ForecastColumns.status` and `.basis`; 0 is always "none". */
export const [NO_FORECAST, FORECAST, TOO_LITTLE_HISTORY] = [0, 1, 2] as const;
export const BASES: readonly (ForecastBasis | null)[] = [null, 'kind-and-segment', 'kind', 'all'];

/** Per issue of the metrics table: its forecast, when its KPI duration is running. Dates are epoch ms, NaN when none. */
export interface ForecastColumns {
  status: Uint8Array;
  p50Ms: Float64Array;
  p85Ms: Float64Array;
  /** 0..1, NaN without a target. */
  chance: Float64Array;
  samples: Uint32Array;
  basis: Uint8Array;
}

/**
 * Forecasts every running KPI duration among `issues` (aligned with the table's rows) from the
 * finished and running ones. The entry point of the snapshot build: CPU-bound (10,000 draws per
 * engagement by default), so it must never run on a request; `memo` (kept from build to build)
 * spares the engagements whose forecast cannot have changed.
 */
export function forecastColumns(
  issues: readonly IssueMetrics[],
  settings: MetricsSettings,
  nowMs: number,
  memo?: ForecastMemo,
): ForecastColumns {
  const n = issues.length;
  const columns: ForecastColumns = {
    status: new Uint8Array(n),
    p50Ms: new Float64Array(n).fill(Number.NaN),
    p85Ms: new Float64Array(n).fill(Number.NaN),
    chance: new Float64Array(n).fill(Number.NaN),
    samples: new Uint32Array(n),
    basis: new Uint8Array(n),
  };
  const history = forecastHistory(issues, settings, nowMs);
  const draws = new Float64Array(settings.forecast.draws);
  memo?.begin();
  issues.forEach((issue, i) => {
    const forecast = forecastEngagement(history, issue, settings, nowMs, draws, memo);
    if (!forecast) return;
    columns.samples[i] = forecast.samples;
    if (forecast.status === 'too-little-history') {
      columns.status[i] = TOO_LITTLE_HISTORY;
      return;
    }
    columns.status[i] = FORECAST;
    columns.p50Ms[i] = forecast.p50Ms;
    columns.p85Ms[i] = forecast.p85Ms;
    columns.chance[i] = forecast.chance ?? Number.NaN;
    columns.basis[i] = BASES.indexOf(forecast.basis);
  });
  memo?.settle();
  return columns;
}

/** Row i's forecast as `forecastColumns` stored it; null when its KPI duration is not running. */
export function forecastOfRow(columns: ForecastColumns, i: number): EngagementForecast | null {
  const status = columns.status[i];
  const samples = columns.samples[i]!;
  if (status === TOO_LITTLE_HISTORY) return { status: 'too-little-history', samples };
  if (status !== FORECAST) return null;
  const chance = columns.chance[i]!;
  return {
    status: 'forecast',
    p50Ms: columns.p50Ms[i]!,
    p85Ms: columns.p85Ms[i]!,
    chance: Number.isNaN(chance) ? null : chance,
    samples,
    basis: BASES[columns.basis[i]!]!,
  };
}
