import { configSchema } from '../../../src/config/schema.js';
import { describeDigest } from '../../../src/reports/describe.js';
import { describe, expect, it } from 'vitest';
import { duePeriod, lastFiring } from '../../../src/reports/schedule.js';
import {
  describePeriod,
  parseWeek,
  PeriodError,
  periodFromArgument,
  previousWeek,
  weekContaining,
} from '../../../src/reports/period.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('ISO weeks in a time zone', () => {
  it.each([
    ['2026-12-03T12:00:00Z', 'UTC', '2026-W49', '2026-11-30T00:00:00.000Z', '2026-12-07T00:00:00.000Z'],
    // Monday 00:30 in Berlin is still Sunday in UTC: the zone decides the week.
    ['2026-11-29T23:30:00Z', 'Europe/Berlin', '2026-W49', '2026-11-29T23:00:00.000Z', '2026-12-06T23:00:00.000Z'],
    ['2026-11-29T23:30:00Z', 'UTC', '2026-W48', '2026-11-23T00:00:00.000Z', '2026-11-30T00:00:00.000Z'],
    // 1 January 2027 is a Friday: it belongs to the last week of 2026, which has 53.
    ['2027-01-01T12:00:00Z', 'UTC', '2026-W53', '2026-12-28T00:00:00.000Z', '2027-01-04T00:00:00.000Z'],
    // The week with the change to summer time is an hour short in New York.
    ['2026-03-10T12:00:00Z', 'America/New_York', '2026-W11', '2026-03-09T04:00:00.000Z', '2026-03-16T04:00:00.000Z'],
    ['2026-03-03T12:00:00Z', 'America/New_York', '2026-W10', '2026-03-02T05:00:00.000Z', '2026-03-09T04:00:00.000Z'],
  ])('%s in %s is %s', (at, zone, key, start, end) => {
    const week = weekContaining(Date.parse(at), zone);
    expect([week.key, iso(week.startMs), iso(week.endMs)]).toEqual([key, start, end]);
    expect(parseWeek(key, zone)).toEqual(week);
  });

  it('steps back a week, across a year', () => {
    expect(previousWeek(parseWeek('2027-W01', 'UTC')).key).toBe('2026-W53');
    expect(previousWeek(parseWeek('2026-W01', 'UTC')).key).toBe('2025-W52');
  });

  it.each([
    ['2026-W54', '2026 has weeks 01 to 53, not 54'],
    ['2025-W53', '2025 has weeks 01 to 52, not 53'],
    ['2026-W00', '2026 has weeks 01 to 53, not 00'],
    ['2026-49', '"2026-49" is not a week: use last-week or YYYY-Www (e.g. 2026-W49)'],
    ['lastweek', '"lastweek" is not a week: use last-week or YYYY-Www (e.g. 2026-W49)'],
  ])('refuses %s', (argument, message) => {
    expect(() => periodFromArgument(argument, Date.parse('2026-12-03T12:00:00Z'), 'UTC')).toThrow(
      new PeriodError(message),
    );
  });

  it('reads last-week relative to now', () => {
    expect(periodFromArgument('last-week', Date.parse('2026-12-03T12:00:00Z'), 'UTC').key).toBe('2026-W48');
  });

  it('describes a week by its days', () => {
    expect(describePeriod(parseWeek('2026-W53', 'UTC'))).toBe('28 Dec – 3 Jan 2027');
  });
});

describe('the schedule', () => {
  const weekly = { schedule: '0 8 * * 1', timeZone: 'Europe/Berlin', period: 'previous-week' as const };

  it.each([
    [
      'just before Monday 08:00 Berlin: last week’s firing, covering the week before it',
      '2026-12-07T06:59:59Z',
      '2026-11-30T07:00:00.000Z',
      '2026-W48',
    ],
    ['at Monday 08:00 Berlin exactly', '2026-12-07T07:00:00Z', '2026-12-07T07:00:00.000Z', '2026-W49'],
    ['on Thursday after', '2026-12-10T15:00:00Z', '2026-12-07T07:00:00.000Z', '2026-W49'],
  ])('%s', (_case, now, fired, key) => {
    expect(lastFiring(weekly, Date.parse(now))?.toISOString()).toBe(fired);
    expect(duePeriod(weekly, Date.parse(now))?.key).toBe(key);
  });

  it('covers the week it fires in with week-to-date', () => {
    expect(
      duePeriod({ ...weekly, schedule: '0 16 * * 5', period: 'week-to-date' }, Date.parse('2026-12-11T15:00:00Z'))?.key,
    ).toBe('2026-W50');
  });
});

describe('describeDigest', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');
  it.each([
    [{}, 'no destination configured (boardkeeper report --print renders one)'],
    [
      { enabled: false, slack: { url: 'https://hooks.example.com/x' } },
      'off inside serve (boardkeeper report sends one on demand)',
    ],
    [
      {
        timeZone: 'Europe/Berlin',
        forge: { forge: 'gitlab', project: 'ps/board', mode: 'pinned' },
        slack: { url: 'https://hooks.example.com/secret' },
        email: { host: 'smtp.example.com', from: 'a@example.com', to: ['b@example.com', 'c@example.com'] },
      },
      '"0 8 * * 1" in Europe/Berlin, next 2026-12-07 07:00 UTC, previous-week, to gitlab ps/board (pinned), slack, email to 2 recipients via smtp.example.com:587',
    ],
  ] as const)('%j', (digest, expected) => {
    expect(describeDigest(configSchema.parse({ reports: { digest } }), now)).toBe(expected);
  });
});
