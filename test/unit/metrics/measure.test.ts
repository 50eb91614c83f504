import { describe, expect, it } from 'vitest';
import { businessMeasure, calendarMeasure } from '../../../src/metrics/durations/measure.js';

const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

describe('measures', () => {
  const business = businessMeasure([0, 6], ['2026-01-12']);

  it.each([
    ['Fri 12:00 → Mon 12:00 skips the weekend', '2026-01-09T12:00:00Z', '2026-01-12T12:00:00Z', 12 * HOUR],
    [
      'Fri 12:00 → Tue 12:00 skips the weekend and the Monday holiday',
      '2026-01-09T12:00:00Z',
      '2026-01-13T12:00:00Z',
      24 * HOUR,
    ],
    ['within one workday', '2026-01-07T09:00:00Z', '2026-01-07T17:30:00Z', 8.5 * HOUR],
    ['a whole weekend counts nothing', '2026-01-10T00:00:00Z', '2026-01-12T00:00:00Z', 0],
    ['two full weeks count ten days minus the holiday', '2026-01-05T00:00:00Z', '2026-01-19T00:00:00Z', 9 * 24 * HOUR],
  ])('business: %s', (_name, from, to, expected) => {
    expect(business(at(from), at(to))).toBe(expected);
  });

  it('calendar time is wall-clock time and never negative', () => {
    expect(calendarMeasure(at('2026-01-09T12:00:00Z'), at('2026-01-12T12:00:15Z'))).toBe(72 * HOUR + 15_000);
    expect(calendarMeasure(at('2026-01-12T00:00:00Z'), at('2026-01-09T00:00:00Z'))).toBe(0);
  });
});
