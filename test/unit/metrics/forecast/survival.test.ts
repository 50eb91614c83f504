import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SurvivalCurve, type Observation } from '../../../../src/metrics/forecast/survival.js';

/** "6+" is censored at 6 (still going when last seen). */
const parse = (text: string): Observation[] =>
  text.split(' ').map((item) => ({ ms: Number.parseFloat(item), ended: !item.endsWith('+') }));

/** Freireich et al.'s 6-MP arm (weeks in remission), the textbook Kaplan–Meier example. */
const SIX_MP = parse('6 6 6 6+ 7 9+ 10 10+ 11+ 13 16 17+ 19+ 20+ 22 23 25+ 32+ 32+ 34+ 35+');

const observations = fc.array(fc.record({ ms: fc.integer({ min: 0, max: 60 }), ended: fc.boolean() }), {
  minLength: 1,
  maxLength: 40,
});
const instants = fc.array(fc.double({ min: -1, max: 70, noNaN: true }), { minLength: 1, maxLength: 20 });

describe('Kaplan–Meier survival curve', () => {
  it.each([
    [5.9, 1],
    [6, 0.857],
    [7, 0.807],
    [9.5, 0.807],
    [10, 0.753],
    [13, 0.69],
    [16, 0.627],
    [22, 0.538],
    [23, 0.448],
    [35, 0.448],
  ])('gives the textbook survival of the 6-MP arm at week %d: %d', (week, survival) => {
    expect(new SurvivalCurve(SIX_MP).survival(week)).toBeCloseTo(survival, 3);
  });

  it('counts events and observations, reads P(T ≥ t) just before a jump, and the k-th longest event', () => {
    const curve = new SurvivalCurve(SIX_MP);
    expect([curve.events, curve.observations]).toEqual([9, 21]);
    expect(curve.survivalBefore(6)).toBe(1);
    expect(curve.survivalBefore(7)).toBeCloseTo(0.857, 3);
    // Events: 6 6 6 7 10 13 16 22 23; the fifth longest is 10, the ninth 6, beyond that the shortest.
    expect([1, 5, 7, 9, 20].map((k) => curve.longestEnded(k))).toEqual([23, 10, 6, 6, 6]);
  });

  it('draws quantiles from the jumps, and past the last event from an exponential tail', () => {
    const curve = new SurvivalCurve(SIX_MP);
    expect(curve.quantile(0)).toBe(6);
    expect(curve.quantile(0.142)).toBe(6);
    expect(curve.quantile(0.143)).toBe(7);
    expect(curve.quantile(0.5)).toBe(23);
    // 44.8 % were still going after week 23: the tail continues beyond it at the rate the five
    // longest events ended: 5 events (10 13 16 22 23) in the 169 weeks observed beyond week 10
    // (by 10 10+ 11+ 13 16 17+ 19+ 20+ 22 23 25+ 32+ 32+ 34+ 35+).
    expect(curve.tailRate).toBeCloseTo(5 / 169, 12);
    expect(curve.quantile(0.56)).toBeGreaterThan(23);
    expect(curve.quantile(0.9)).toBeGreaterThan(curve.quantile(0.7));
  });

  it('without censoring, is the empirical distribution: S(t) is the share of values longer than t', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 40 }),
        instants,
        (values, ts) => {
          const curve = new SurvivalCurve(values.map((ms) => ({ ms, ended: true })));
          for (const t of [...ts, ...values])
            expect(curve.survival(t)).toBeCloseTo(values.filter((v) => v > t).length / values.length, 12);
          const sorted = [...values].sort((a, b) => a - b);
          // Nearest rank: the quantile for v is the value at index ⌊v·n⌋ of the sorted sample.
          for (const v of [0, 0.1234, 0.31, 0.5551, 0.8517, 0.9993])
            expect(curve.quantile(v)).toBe(sorted[Math.floor(v * values.length)]);
        },
      ),
    );
  });

  it('is non-increasing and within [0, 1], and its quantiles are non-decreasing', () => {
    fc.assert(
      fc.property(
        observations,
        instants,
        fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 2 }),
        (sample, ts, vs) => {
          const curve = new SurvivalCurve(sample);
          const sortedTs = [...ts].sort((a, b) => a - b);
          const survival = sortedTs.map((t) => curve.survival(t));
          survival.forEach((s, i) => {
            expect(s).toBeGreaterThanOrEqual(0);
            expect(s).toBeLessThanOrEqual(1);
            if (i > 0) expect(s).toBeLessThanOrEqual(survival[i - 1]!);
          });
          const quantiles = [...vs].sort((a, b) => a - b).map((v) => curve.quantile(v));
          quantiles.forEach((q, i) => i > 0 && expect(q).toBeGreaterThanOrEqual(quantiles[i - 1]!));
        },
      ),
    );
  });

  it('never lowers survival by censoring: before the censor it is unchanged, after it at least as high', () => {
    fc.assert(
      fc.property(observations, fc.nat(), fc.integer({ min: 0, max: 20 }), instants, (sample, pick, later, ts) => {
        const i = pick % sample.length;
        const event = { ms: sample[i]!.ms, ended: true };
        const withEvent = new SurvivalCurve(sample.with(i, event));
        // The same one still going at its end, or seen still going even later.
        const censored = new SurvivalCurve(sample.with(i, { ms: event.ms + later, ended: false }));
        for (const t of ts) {
          if (t < event.ms) expect(censored.survival(t)).toBeCloseTo(withEvent.survival(t), 12);
          expect(censored.survival(t)).toBeGreaterThanOrEqual(withEvent.survival(t) - 1e-12);
        }
      }),
    );
  });

  it('does not depend on the order of the observations', () => {
    fc.assert(
      fc.property(observations, instants, (sample, ts) => {
        const [forward, backward] = [new SurvivalCurve(sample), new SurvivalCurve([...sample].reverse())];
        for (const t of ts) expect(backward.survival(t)).toBe(forward.survival(t));
        expect(backward.tailRate).toBe(forward.tailRate);
      }),
    );
  });
});
