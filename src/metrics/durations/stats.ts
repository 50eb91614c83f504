import type { Stats } from '../contract.js';

/**
 * Rearranges `a[left..right]` so that `a[k]` holds the value it would have if sorted, with
 * smaller-or-equal values before it and larger-or-equal after (Hoare's selection, O(n) on
 * average). Reports call this a few times per group instead of sorting every group.
 */
export function select(a: Float64Array, k: number, left: number, right: number): void {
  while (right > left) {
    const pivot = a[(left + right) >> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const swap = a[i]!;
        a[i++] = a[j]!;
        a[j--] = swap;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

function minFrom(a: Float64Array, start: number): number {
  let min = Infinity;
  for (let i = start; i < a.length; i++) if (a[i]! < min) min = a[i]!;
  return min;
}

/**
 * Quantiles in increasing order by linear interpolation between closest ranks (numpy's default,
 * so q = 0.5 is the usual median). Each selection only searches right of the previous one.
 */
function quantiles(a: Float64Array, qs: readonly number[]): number[] {
  let from = 0;
  return qs.map((q) => {
    const position = (a.length - 1) * q;
    const lower = Math.floor(position);
    select(a, lower, from, a.length - 1);
    from = lower;
    const fraction = position - lower;
    return fraction === 0 ? a[lower]! : a[lower]! + (minFrom(a, lower + 1) - a[lower]!) * fraction;
  });
}

/** Summary of values given in milliseconds, reported in seconds. */
export function stats(valuesMs: readonly number[]): Stats {
  if (valuesMs.length === 0) return { count: 0, mean: null, median: null, p75: null, p90: null, min: null, max: null };
  const values = Float64Array.from(valuesMs);
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    sum += value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const [median, p75, p90] = quantiles(values, [0.5, 0.75, 0.9]) as [number, number, number];
  return {
    count: values.length,
    mean: sum / values.length / 1000,
    median: median / 1000,
    p75: p75 / 1000,
    p90: p90 / 1000,
    min: min / 1000,
    max: max / 1000,
  };
}
