import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../src/config/schema.js';
import { forecastColumns } from '../../../../src/metrics/forecast/columns.js';
import { deadlineAfter, forecastEngagement, forecastHistory } from '../../../../src/metrics/forecast/engagement.js';
import { knownAt, type ObservedEngagement } from '../../../../src/metrics/forecast/history.js';
import { ForecastMemo } from '../../../../src/metrics/forecast/memo.js';
import { describeForecast, forecastAt, forecastBuckets } from '../../../../src/metrics/forecast/report.js';
import { businessMeasure, calendarMeasure } from '../../../../src/metrics/durations/measure.js';
import { DAY, finished, metricsOf, settingsWith, T0, type Engagement } from './support.js';

const settings = settingsWith();
/** Ten finished implementations: 5–14 days in deployment, then 4 days in configuration. */
const HISTORY = Array.from({ length: 10 }, (_, k) => finished(k + 1, 10 * k, 5 + k, 4));
const HISTORY_END_DAY = 120;
const openIn = (stage: 'deployment' | 'configuration', since: number, iid = 99, segment = 'mm'): Engagement => ({
  iid,
  segment,
  stages: [
    ['deployment', HISTORY_END_DAY],
    ...(stage === 'configuration' ? ([['configuration', since]] as [string, number][]) : []),
  ],
});

function forecastOf(engagements: Engagement[], nowDay: number, s = settings) {
  const nowMs = T0 + nowDay * DAY;
  const issues = metricsOf(engagements, s, nowMs);
  const open = issues.find((issue) => issue.id.iid === 99)!;
  return forecastEngagement(forecastHistory(issues, s, nowMs), open, s, nowMs, new Float64Array(s.forecast.draws));
}

describe('forecast of one open engagement', () => {
  it('says "too little history" below the minimum of finished engagements, and forecasts from it on', () => {
    expect(forecastOf([...HISTORY.slice(0, 9), openIn('deployment', 0)], HISTORY_END_DAY + 1)).toEqual({
      status: 'too-little-history',
      samples: 9,
    });
    expect(forecastOf([...HISTORY, openIn('deployment', 0)], HISTORY_END_DAY + 1)).toMatchObject({
      status: 'forecast',
      samples: 10,
    });
    const strict = settingsWith({ minimumHistory: 11 });
    expect(forecastOf([...HISTORY, openIn('deployment', 0)], HISTORY_END_DAY + 1, strict)).toEqual({
      status: 'too-little-history',
      samples: 10,
    });
  });

  it('stays within what the history allows: the rest of deployment (5–14 days) plus 4 days of configuration', () => {
    const forecast = forecastOf([...HISTORY, openIn('deployment', 0)], HISTORY_END_DAY)!;
    if (forecast.status !== 'forecast') throw new Error('expected a forecast');
    const start = T0 + HISTORY_END_DAY * DAY;
    expect(forecast.p50Ms).toBeGreaterThanOrEqual(start + 9 * DAY);
    expect(forecast.p85Ms).toBeLessThanOrEqual(start + 18 * DAY);
    expect(forecast.p85Ms).toBeGreaterThanOrEqual(forecast.p50Ms);
    expect(forecast.chance).toBe(1);
  });

  it('conditions on time already spent: 12 days into deployment, only the longest visits and durations count', () => {
    const forecast = forecastOf([...HISTORY, openIn('deployment', 0)], HISTORY_END_DAY + 12)!;
    if (forecast.status !== 'forecast') throw new Error('expected a forecast');
    const start = T0 + HISTORY_END_DAY * DAY;
    // Path: the five longest visits (10–14 days) beyond the shortest of them, from now, then 4 days
    // of configuration: days 16–20. Whole: the durations of at least 12 days: days 12–18.
    expect(forecast.p50Ms).toBeGreaterThanOrEqual(start + 15 * DAY);
    expect(forecast.p85Ms).toBeLessThanOrEqual(start + 20 * DAY);
  });

  it('stands on at least five past values however long it has been going', () => {
    const forecast = forecastOf([...HISTORY, openIn('deployment', 0)], HISTORY_END_DAY + 60)!;
    if (forecast.status !== 'forecast') throw new Error('expected a forecast');
    expect(forecast.p85Ms - forecast.p50Ms).toBeGreaterThanOrEqual(DAY);
  });

  it('in a later stage, draws its rest by the path (3 more days of configuration) or by the whole (9–18 days in all)', () => {
    const forecast = forecastOf([...HISTORY, openIn('configuration', HISTORY_END_DAY + 6)], HISTORY_END_DAY + 7)!;
    if (forecast.status !== 'forecast') throw new Error('expected a forecast');
    const start = T0 + HISTORY_END_DAY * DAY;
    // Half the draws end at day 10 (the path); so the median is there or a little later, never past the whole's longest.
    expect(forecast.p50Ms).toBeGreaterThanOrEqual(start + 9 * DAY);
    expect(forecast.p50Ms).toBeLessThanOrEqual(start + 11 * DAY);
    expect(forecast.p85Ms).toBeLessThanOrEqual(start + 18 * DAY);
  });

  it('counts running engagements as lasting at least as long as so far: long-running ones push the forecast later', () => {
    // Ten more that entered deployment with the open one's peers and are still in it, 20 days on.
    const running = Array.from(
      { length: 10 },
      (_, k): Engagement => ({ iid: 60 + k, stages: [['deployment', HISTORY_END_DAY - 8]] }),
    );
    const quickOnly = forecastOf([...HISTORY, openIn('deployment', 0)], HISTORY_END_DAY + 12)!;
    const withRunning = forecastOf([...HISTORY, ...running, openIn('deployment', 0)], HISTORY_END_DAY + 12)!;
    if (quickOnly.status !== 'forecast' || withRunning.status !== 'forecast') throw new Error('expected forecasts');
    expect(withRunning.samples).toBe(10);
    expect(withRunning.p50Ms).toBeGreaterThan(quickOnly.p50Ms);
    expect(withRunning.p85Ms).toBeGreaterThan(quickOnly.p85Ms);
  });

  it('has no chance of the target once it is breached', () => {
    const forecast = forecastOf([...HISTORY, openIn('deployment', 0)], HISTORY_END_DAY + 31)!;
    expect(forecast).toMatchObject({ status: 'forecast', chance: 0 });
  });

  it('stands on the same segment when it has enough, else the same kind, else all', () => {
    const other = HISTORY.map((e) => ({ ...e, iid: e.iid + 50, segment: 'smb' }));
    expect(forecastOf([...HISTORY, ...other, openIn('deployment', 0)], HISTORY_END_DAY + 1)).toMatchObject({
      basis: 'kind-and-segment',
      samples: 10,
    });
    expect(
      forecastOf([...HISTORY, ...other, openIn('deployment', 0, 99, 'enterprise')], HISTORY_END_DAY + 1),
    ).toMatchObject({ basis: 'kind', samples: 20 });
    const initiatives = HISTORY.map((e) => ({ ...e, kind: 'strategic-initiative' }));
    expect(forecastOf([...initiatives, openIn('deployment', 0)], HISTORY_END_DAY + 1)).toMatchObject({
      basis: 'all',
      samples: 10,
    });
  });
});

describe('forecast properties', () => {
  const history = fc.array(
    fc.record({
      deployment: fc.double({ min: 0.1, max: 60, noNaN: true }),
      configuration: fc.double({ min: 0, max: 20, noNaN: true }),
    }),
    { minLength: 10, maxLength: 30 },
  );
  const engagementsOf = (durations: { deployment: number; configuration: number }[]) =>
    durations.map((d, k) => finished(k + 1, k, d.deployment, d.configuration));

  it('is monotone in elapsed time: a later "now" never brings P50 or P85 earlier nor raises the chance', () => {
    // Comparable engagements still running (days in deployment at the open one's start) run on too.
    const running = fc.array(fc.double({ min: 0, max: 60, noNaN: true }), { maxLength: 6 });
    fc.assert(
      fc.property(
        history,
        running,
        fc.double({ min: 0, max: 80, noNaN: true }),
        fc.double({ min: 0, max: 40, noNaN: true }),
        (durations, others, first, more) => {
          const alongside = others.map(
            (days, k): Engagement => ({ iid: 200 + k, stages: [['deployment', HISTORY_END_DAY - days]] }),
          );
          const engagements = [...engagementsOf(durations), ...alongside, openIn('deployment', 0)];
          const [earlier, later] = [
            forecastOf(engagements, HISTORY_END_DAY + first),
            forecastOf(engagements, HISTORY_END_DAY + first + more),
          ];
          if (earlier?.status !== 'forecast' || later?.status !== 'forecast') throw new Error('expected forecasts');
          expect(later.p50Ms).toBeGreaterThanOrEqual(earlier.p50Ms);
          expect(later.p85Ms).toBeGreaterThanOrEqual(earlier.p85Ms);
          expect(later.chance!).toBeLessThanOrEqual(earlier.chance!);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('gives the same forecast for the same seed and history, whatever else is on the board', () => {
    fc.assert(
      fc.property(history, fc.double({ min: 0, max: 50, noNaN: true }), fc.integer(), (durations, elapsed, seed) => {
        const seeded = settingsWith({ seed });
        const engagements = [...engagementsOf(durations), openIn('deployment', 0)];
        const alone = forecastOf(engagements, HISTORY_END_DAY + elapsed, seeded);
        // Running engagements are history too (censored); one of another segment is not comparable.
        const withAnother = forecastOf(
          [...engagements, openIn('deployment', 0, 98, 'smb')],
          HISTORY_END_DAY + elapsed,
          seeded,
        );
        expect(withAnother).toEqual(alone);
      }),
      { numRuns: 40 },
    );
  });

  it('says "too little history" exactly when fewer finished engagements than the minimum exist', () => {
    fc.assert(
      fc.property(history, fc.integer({ min: 1, max: 40 }), (durations, minimumHistory) => {
        const forecast = forecastOf(
          [...engagementsOf(durations), openIn('deployment', 0)],
          HISTORY_END_DAY + 1,
          settingsWith({ minimumHistory, draws: 200 }),
        );
        expect(forecast!.status).toBe(durations.length < minimumHistory ? 'too-little-history' : 'forecast');
        expect(forecast!.samples).toBe(durations.length);
      }),
      { numRuns: 60 },
    );
  });

  it('never forecasts a go-live before now', () => {
    fc.assert(
      fc.property(history, fc.double({ min: 0, max: 120, noNaN: true }), (durations, elapsed) => {
        const forecast = forecastOf([...engagementsOf(durations), openIn('deployment', 0)], HISTORY_END_DAY + elapsed);
        if (forecast?.status !== 'forecast') throw new Error('expected a forecast');
        expect(forecast.p50Ms).toBeGreaterThanOrEqual(T0 + (HISTORY_END_DAY + elapsed) * DAY);
      }),
      { numRuns: 40 },
    );
  });
});

describe('what was known of an engagement at an instant', () => {
  const visits = [
    { stage: 'deployment', startMs: 0, endMs: 10 },
    { stage: 'configuration', startMs: 10, endMs: 14 },
  ];
  const live: ObservedEngagement = { kind: 'sow-request', segment: 'mm', startMs: 0, endMs: 14, live: true, visits };

  it.each([
    [0, null],
    [20, live],
    [14, live],
    [12, { ...live, endMs: 12, live: false, visits: [visits[0], { ...visits[1], endMs: 12 }] }],
    [6, { ...live, endMs: 6, live: false, visits: [{ ...visits[0], endMs: 6 }] }],
  ])('as of %d: %o', (atMs, known) => {
    expect(knownAt(live, atMs)).toEqual(known);
  });
});

describe('forecast columns and their rendering', () => {
  it('forecasts only running KPI durations, and renders ISO dates, chance and sample size', () => {
    const nowMs = T0 + (HISTORY_END_DAY + 2) * DAY;
    const issues = metricsOf([...HISTORY, openIn('deployment', 0)], settings, nowMs);
    const columns = forecastColumns(issues, settings, nowMs);
    const open = issues.findIndex((issue) => issue.id.iid === 99);
    expect(issues.map((_, i) => forecastAt(columns, i, settings, 30)?.status ?? null).filter(Boolean)).toEqual([
      'forecast',
    ]);
    const forecast = forecastAt(columns, open, settings, 30)!;
    expect(forecast).toMatchObject({
      status: 'forecast',
      chanceWithinTarget: 1,
      targetDays: 30,
      samples: 10,
      basis: 'kind-and-segment',
    });
    if (forecast.status !== 'forecast') throw new Error('expected a forecast');
    expect(forecast.p50 <= forecast.p85).toBe(true);
    expect(forecast.p50).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(forecastBuckets(columns, Uint32Array.from(issues.keys()), settings)).toEqual({
      likely: 1,
      uncertain: 0,
      unlikely: 0,
      'no-target': 0,
      'too-little-history': 0,
    });
  });

  it.each([
    [
      {
        status: 'forecast',
        p50: '2026-12-03',
        p85: '2026-12-11',
        chanceWithinTarget: 0.62,
        targetDays: 30,
        samples: 14,
        basis: 'kind',
      } as const,
      'P50 2026-12-03, P85 2026-12-11, 62 % chance within 30 days (from 14 past engagements)',
    ],
    [
      {
        status: 'forecast',
        p50: '2026-12-03',
        p85: '2026-12-03',
        chanceWithinTarget: null,
        targetDays: null,
        samples: 1,
        basis: 'all',
      } as const,
      'P50 2026-12-03, P85 2026-12-03 (from 1 past engagement)',
    ],
    [
      { status: 'too-little-history', samples: 4, minimumHistory: 10 } as const,
      'too little history for a forecast (4 of 10 finished engagements needed)',
    ],
  ])('describes %o for people', (forecast, text) => {
    expect(describeForecast(forecast)).toBe(text);
  });
});

describe('forecasts kept from build to build', () => {
  const smb = HISTORY.map((e) => ({ ...e, iid: e.iid + 50, segment: 'smb' }));
  const board = [...HISTORY, ...smb, openIn('deployment', 0), openIn('deployment', 0, 98, 'smb')];
  const nowMs = T0 + (HISTORY_END_DAY + 5) * DAY;
  const columnsOf = (engagements: Engagement[], atMs: number, memo?: ForecastMemo) =>
    forecastColumns(metricsOf(engagements, settings, atMs), settings, atMs, memo);

  it('simulates again only the engagements whose comparables or instant changed, with the same result as from scratch', () => {
    const memo = new ForecastMemo();
    columnsOf(board, nowMs, memo);
    expect([memo.simulated, memo.reused]).toEqual([2, 0]);
    expect(columnsOf(board, nowMs, memo)).toEqual(columnsOf(board, nowMs));
    expect([memo.simulated, memo.reused]).toEqual([0, 2]);
    // Another smb implementation went live: the smb engagement's comparables changed, the mm one's did not.
    const more = [...board, finished(80, 100, 6, 4, 'smb')];
    expect(columnsOf(more, nowMs, memo)).toEqual(columnsOf(more, nowMs));
    expect([memo.simulated, memo.reused]).toEqual([1, 1]);
    // A new instant moves every running engagement (and every running observation).
    expect(columnsOf(more, nowMs + DAY, memo)).toEqual(columnsOf(more, nowMs + DAY));
    expect([memo.simulated, memo.reused]).toEqual([2, 0]);
  });
});

describe('forecast configuration', () => {
  it('defaults to 10 finished engagements and 10,000 draws, and names a bucket bound out of order', () => {
    expect(configSchema.parse({}).forecast).toMatchObject({
      minimumHistory: 10,
      draws: 10_000,
      likelyAtOrAbove: 0.8,
      unlikelyBelow: 0.2,
    });
    const parsed = configSchema.safeParse({ forecast: { likelyAtOrAbove: 0.5, unlikelyBelow: 0.9 } });
    expect(parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'))).toEqual([
      'forecast.unlikelyBelow',
    ]);
  });
});

describe('deadlineAfter', () => {
  it('is start + target in calendar time, and skips weekends in business time', () => {
    const monday = Date.parse('2026-06-01T00:00:00Z');
    expect(deadlineAfter(calendarMeasure, monday, 30 * DAY)).toBeCloseTo(monday + 30 * DAY, -5);
    // Five business days from a Monday end on Friday night; the weekend still meets the target.
    const deadline = deadlineAfter(businessMeasure([0, 6], []), monday, 5 * DAY);
    expect(deadline).toBeGreaterThanOrEqual(monday + 5 * DAY);
    expect(deadline).toBeCloseTo(monday + 7 * DAY, -5);
  });
});
