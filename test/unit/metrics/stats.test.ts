import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stats } from '../../../src/metrics/durations/stats.js';

/** The textbook definition, by full sort, to check the selection-based implementation against. */
function reference(valuesMs: number[]) {
  const sorted = [...valuesMs].sort((a, b) => a - b).map((ms) => ms / 1000);
  const quantile = (q: number) => {
    const position = (sorted.length - 1) * q;
    const lower = Math.floor(position);
    return sorted[lower]! + (sorted[Math.ceil(position)]! - sorted[lower]!) * (position - lower);
  };
  return { median: quantile(0.5), p75: quantile(0.75), p90: quantile(0.9), min: sorted[0], max: sorted.at(-1) };
}

describe('stats', () => {
  it.each([
    [[5_000], { count: 1, mean: 5, median: 5, p75: 5, p90: 5, min: 5, max: 5 }],
    [[4_000, 1_000, 3_000, 2_000], { count: 4, mean: 2.5, median: 2.5, p75: 3.25, p90: 3.7, min: 1, max: 4 }],
    [[7_000, 7_000, 1_000], { count: 3, mean: 5, median: 7, p75: 7, p90: 7, min: 1, max: 7 }],
  ])('summarises %j (ms) in seconds', (values, expected) => {
    const result = stats(values);
    for (const [key, value] of Object.entries(expected))
      expect(result[key as keyof typeof result]).toBeCloseTo(value, 9);
  });

  it('is all null for no values', () => {
    expect(stats([])).toEqual({ count: 0, mean: null, median: null, p75: null, p90: null, min: null, max: null });
  });

  it('agrees with the full-sort definition on any input', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000_000 }), { minLength: 1, maxLength: 300 }), (values) => {
        const result = stats(values);
        const expected = reference(values);
        for (const key of ['median', 'p75', 'p90', 'min', 'max'] as const)
          expect(result[key]).toBeCloseTo(expected[key]!, 6);
      }),
    );
  });
});
