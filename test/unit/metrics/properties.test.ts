import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import type { Transition } from '../../../src/domain/types.js';
import { issueFacts } from '../../../src/metrics/durations/issue-facts.js';
import { issueMetrics } from '../../../src/metrics/durations/issue-metrics.js';
import { businessMeasure } from '../../../src/metrics/durations/measure.js';
import { overlayTo } from '../../../src/domain/overlay.js';
import { metricsSettings } from '../../../src/metrics/durations/settings.js';

const settings = metricsSettings(configSchema.parse({}));
const MINUTE = 60_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const STAGES = ['intake', 'sow-signed', 'kickoff', 'deployment', 'on-hold', 'production-live', 'closed'];

const change = fc.record({
  minute: fc.integer({ min: 0, max: 600 }),
  to: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...STAGES) },
    { weight: 1, arbitrary: fc.boolean().map((present) => overlayTo('status::blocked', present)) },
  ),
  from: fc.option(fc.constantFrom(...STAGES), { nil: null }),
});

const toTransition = (c: { minute: number; to: string; from: string | null }): Transition => ({
  forge: 'gitlab',
  project: '1',
  iid: 1,
  from: c.from,
  to: c.to,
  at: new Date(T0 + c.minute * MINUTE).toISOString(),
  actor: 'someone',
  source: 'webhook',
  kind: 'implementation',
  segment: null,
});

const metricsAt = (transitions: Transition[], nowMs: number) =>
  issueMetrics(issueFacts(transitions, [])[0]!, settings, nowMs);

describe('duration properties', () => {
  /** Fisher–Yates driven by generated numbers, so failures shrink and replay. */
  function shuffled<T>(items: readonly T[], randomness: fc.Stream<number>): T[] {
    const copy = [...items];
    const random = randomness[Symbol.iterator]();
    for (let i = copy.length - 1; i > 0; i--) {
      const j = random.next().value % (i + 1);
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  }

  it('are invariant under permutation and duplication of deliveries', () => {
    fc.assert(
      fc.property(
        fc.array(change, { minLength: 1, maxLength: 15 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.integer({ min: 600, max: 2_000 }),
        fc.infiniteStream(fc.nat()),
        (changes, duplicated, nowMinute, randomness) => {
          const original = changes.map(toTransition);
          const duplicates = duplicated.map((i) => ({ ...original[i % original.length]!, source: 'backfill' }));
          const nowMs = T0 + nowMinute * MINUTE;
          expect(metricsAt(shuffled([...original, ...duplicates], randomness), nowMs)).toEqual(
            metricsAt(original, nowMs),
          );
        },
      ),
    );
  });

  it('do not depend on arrival order even when a redelivery carries another `from`', () => {
    fc.assert(
      fc.property(
        fc.array(change, { minLength: 1, maxLength: 15 }),
        // The engine records the `from` it believed at the time, so a late redelivery may differ.
        fc.array(fc.tuple(fc.nat(), fc.option(fc.constantFrom(...STAGES), { nil: null })), {
          minLength: 1,
          maxLength: 10,
        }),
        fc.infiniteStream(fc.nat()),
        fc.infiniteStream(fc.nat()),
        (changes, redelivered, randomA, randomB) => {
          const original = changes.map(toTransition);
          const variants = redelivered.map(([i, from]) => ({ ...original[i % original.length]!, from }));
          const delivered = [...original, ...variants];
          const nowMs = T0 + 2_000 * MINUTE;
          expect(metricsAt(shuffled(delivered, randomA), nowMs)).toEqual(
            metricsAt(shuffled(delivered, randomB), nowMs),
          );
        },
      ),
    );
  });

  it('stage times add up to the open time (time not in a terminal stage, by a minute-by-minute count)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(change, { minLength: 1, maxLength: 12, selector: (c) => c.minute }),
        fc.integer({ min: 600, max: 800 }),
        (changes, nowMinute) => {
          const metrics = metricsAt(changes.map(toTransition), T0 + nowMinute * MINUTE);
          const stageChanges = changes.filter((c) => STAGES.includes(c.to)).sort((a, b) => a.minute - b.minute);
          const first = Math.min(...changes.map((c) => c.minute));
          let openMinutes = 0;
          for (let minute = first; minute < nowMinute; minute++) {
            const current = stageChanges.filter((c) => c.minute <= minute).at(-1);
            const stage = current?.to ?? stageChanges[0]?.from;
            if (stage !== 'closed') openMinutes++;
          }
          const stageTotal = [...metrics.stageMs.values()].reduce((a, b) => a + b, 0);
          expect(stageTotal).toBe(metrics.openMs);
          expect(metrics.openMs).toBe(openMinutes * MINUTE);
        },
      ),
    );
  });

  it('durations are never negative and the active variant never exceeds the total', () => {
    fc.assert(
      fc.property(
        fc.array(change, { minLength: 1, maxLength: 15 }),
        fc.integer({ min: 0, max: 2_000 }),
        (changes, nowMinute) => {
          const metrics = metricsAt(changes.map(toTransition), T0 + nowMinute * MINUTE);
          for (const d of metrics.durations.values()) {
            expect(d.ms).toBeGreaterThanOrEqual(0);
            expect(d.activeMs).toBeGreaterThanOrEqual(0);
            expect(d.activeMs).toBeLessThanOrEqual(d.ms);
            if (d.endMs !== null) expect(d.endMs).toBeGreaterThanOrEqual(d.startMs);
          }
        },
      ),
    );
  });

  it('business time is additive and never more than calendar time', () => {
    const measure = businessMeasure([0, 6], ['2026-01-06']);
    const instant = fc.integer({ min: 0, max: 60 * 24 * 60 }).map((m) => T0 + m * MINUTE);
    fc.assert(
      fc.property(instant, instant, instant, (x, y, z) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p - q) as [number, number, number];
        expect(measure(a, c)).toBe(measure(a, b) + measure(b, c));
        expect(measure(a, c)).toBeLessThanOrEqual(c - a);
      }),
    );
  });
});
