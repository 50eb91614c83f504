import { DAY_MS } from '../durations/measure.js';
import type { MetricsSettings } from '../durations/settings.js';
import type { Forecast, ForecastBucket } from '../contract.js';
import { FORECAST, forecastOfRow, TOO_LITTLE_HISTORY, type ForecastColumns } from './columns.js';
import type { EngagementForecast } from './engagement.js';

/** The KPI's target in days, as the reports' forecasts measure their chance against; null without one. */
export function kpiTargetDays(settings: MetricsSettings): number | null {
  const targetMs = settings.definitions.find((d) => d.name === settings.kpi)?.targetMs ?? null;
  return targetMs === null ? null : targetMs / DAY_MS;
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** One engagement's forecast as every report shows it: UTC days, the chance to 0.1 %. */
export function reportedForecast(
  forecast: EngagementForecast,
  settings: MetricsSettings,
  targetDays: number | null,
): Forecast {
  if (forecast.status === 'too-little-history') {
    return {
      status: 'too-little-history',
      samples: forecast.samples,
      minimumHistory: settings.forecast.minimumHistory,
    };
  }
  return {
    status: 'forecast',
    p50: day(forecast.p50Ms),
    p85: day(forecast.p85Ms),
    chanceWithinTarget: forecast.chance === null ? null : Math.round(forecast.chance * 1000) / 1000,
    targetDays,
    samples: forecast.samples,
    basis: forecast.basis,
  };
}

/** Row i's forecast for a report; null when its KPI duration is not running. */
export function forecastAt(
  columns: ForecastColumns,
  i: number,
  settings: MetricsSettings,
  targetDays: number | null,
): Forecast | null {
  const forecast = forecastOfRow(columns, i);
  return forecast && reportedForecast(forecast, settings, targetDays);
}

export const FORECAST_BUCKETS: readonly ForecastBucket[] = [
  'likely',
  'uncertain',
  'unlikely',
  'no-target',
  'too-little-history',
];

/** Row i's bucket by chance of meeting the target; null when its KPI duration is not running. */
export function forecastBucketAt(
  columns: ForecastColumns,
  i: number,
  settings: MetricsSettings,
): ForecastBucket | null {
  const status = columns.status[i];
  if (status === TOO_LITTLE_HISTORY) return 'too-little-history';
  if (status !== FORECAST) return null;
  const chance = columns.chance[i]!;
  if (Number.isNaN(chance)) return 'no-target';
  return chance >= settings.forecast.likelyAtOrAbove
    ? 'likely'
    : chance < settings.forecast.unlikelyBelow
      ? 'unlikely'
      : 'uncertain';
}

/** Open engagements of the selection per bucket, every bucket present. */
export function forecastBuckets(
  columns: ForecastColumns,
  selection: Uint32Array,
  settings: MetricsSettings,
): Record<ForecastBucket, number> {
  const counts = Object.fromEntries(FORECAST_BUCKETS.map((bucket) => [bucket, 0])) as Record<ForecastBucket, number>;
  for (const i of selection) {
    const bucket = forecastBucketAt(columns, i, settings);
    if (bucket) counts[bucket]++;
  }
  return counts;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * One line for people (comments, summaries):
 * "P50 2026-12-03, P85 2026-12-11, 62 % chance within 30 days (from 14 past engagements)".
 */
export function describeForecast(forecast: Forecast): string {
  if (forecast.status === 'too-little-history') {
    return `too little history for a forecast (${forecast.samples} of ${plural(forecast.minimumHistory, 'finished engagement')} needed)`;
  }
  const chance =
    forecast.chanceWithinTarget === null || forecast.targetDays === null
      ? ''
      : `, ${Math.round(forecast.chanceWithinTarget * 100)} % chance within ${plural(forecast.targetDays, 'day')}`;
  return `P50 ${forecast.p50}, P85 ${forecast.p85}${chance} (from ${plural(forecast.samples, 'past engagement')})`;
}
