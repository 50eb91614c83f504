import type { Stats } from './types.js';

/** Linear interpolation between closest ranks (numpy's default), so p50 is the usual median. */
function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

/** Summary of values given in milliseconds, reported in seconds. */
export function stats(valuesMs: readonly number[]): Stats {
  if (valuesMs.length === 0) return { count: 0, mean: null, median: null, p75: null, p90: null, min: null, max: null };
  const sorted = Float64Array.from(valuesMs, (ms) => ms / 1000).sort();
  const values = Array.from(sorted);
  const sum = values.reduce((total, value) => total + value, 0);
  return {
    count: values.length,
    mean: sum / values.length,
    median: quantile(values, 0.5),
    p75: quantile(values, 0.75),
    p90: quantile(values, 0.9),
    min: values[0]!,
    max: values.at(-1)!,
  };
}
