import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { niceScale, position } from '../../../src/dashboard/scale.js';

describe('niceScale', () => {
  it.each([
    // max / 4 = 10.5 → step 20 (1, 2, 2.5, 5 × 10ᵏ) → three steps reach 60.
    [42, false, [0, 20, 40, 60]],
    [30, false, [0, 10, 20, 30]],
    [60.5, false, [0, 20, 40, 60, 80]],
    [0.3, false, [0, 0.1, 0.2, 0.3]],
    // Counts: 10 / 4 = 2.5 would be a half tick, so the step rounds up to 3.
    [10, true, [0, 3, 6, 9, 12]],
    [1, true, [0, 1]],
    // Nothing to show still draws an axis.
    [0, false, [0, 0.25, 0.5, 0.75, 1]],
    [Number.NaN, false, [0, 0.25, 0.5, 0.75, 1]],
  ])('%d (integer: %s) → %j', (max, integer, ticks) => {
    expect(niceScale(max, integer)).toEqual({ top: ticks.at(-1), ticks });
  });

  it('holds the maximum with at most four equal, round steps and wastes less than half of it', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e9, noNaN: true }), (max) => {
        const { top, ticks } = niceScale(max);
        // Ticks are rounded to 12 significant digits: the top may sit a rounding error below the max.
        expect(top).toBeGreaterThanOrEqual(max * (1 - 1e-11));
        expect(top).toBeLessThan(max * 1.5);
        expect(ticks[0]).toBe(0);
        expect(ticks.length - 1).toBeGreaterThanOrEqual(1);
        expect(ticks.length - 1).toBeLessThanOrEqual(4);
        const step = ticks[1]!;
        ticks.forEach((tick, index) => expect(tick).toBeCloseTo(index * step, 9));
        const mantissa = step / 10 ** Math.floor(Math.log10(step));
        expect([1, 2, 2.5, 5].some((round) => Math.abs(mantissa - round) < 1e-9)).toBe(true);
      }),
    );
  });

  it('gives whole ticks for counts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), (max) => {
        const { top, ticks } = niceScale(max, true);
        expect(top).toBeGreaterThanOrEqual(max);
        expect(ticks.every(Number.isInteger)).toBe(true);
      }),
    );
  });

  it('places values as a share of the top, never below zero', () => {
    const scale = niceScale(40);
    expect(position(10, scale)).toBe(25);
    expect(position(40, scale)).toBe(100);
    expect(position(-5, scale)).toBe(0);
  });
});
