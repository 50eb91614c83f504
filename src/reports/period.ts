/**
 * ISO weeks in a time zone: a week runs from Monday 00:00 local to the next Monday 00:00 local,
 * and is named by its ISO year and number (`2026-W49`), the key a digest is filed once under.
 */

const DAY_MS = 86_400_000;

export interface Period {
  /** `YYYY-Www`. */
  key: string;
  /** Monday 00:00 in the zone, as a UTC instant (inclusive). */
  startMs: number;
  /** The next Monday 00:00 in the zone (exclusive). */
  endMs: number;
  timeZone: string;
}

export class PeriodError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeriodError';
  }
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

function localParts(ms: number, timeZone: string): LocalDate & { hour: number; minute: number; second: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((part) => part.type === type)!.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** How far the zone's wall clock is ahead of UTC at `ms`. */
function offsetMs(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

/** The UTC instant of local midnight starting `date` in the zone (twice corrected, for a DST change between). */
function localMidnight(date: LocalDate, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day);
  const first = wall - offsetMs(wall, timeZone);
  return wall - offsetMs(first, timeZone);
}

/** Monday of ISO week 1 of `year` (the week with 4 January), as a UTC calendar day. */
function week1Monday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  return jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
}

const weeksIn = (year: number) => Math.round((week1Monday(year + 1) - week1Monday(year)) / (7 * DAY_MS));

function keyOf(year: number, week: number): string {
  return `${year}-W${String(week).padStart(2, '0')}`;
}

function periodOf(year: number, week: number, timeZone: string): Period {
  const monday = new Date(week1Monday(year) + (week - 1) * 7 * DAY_MS);
  const nextMonday = new Date(monday.getTime() + 7 * DAY_MS);
  const local = (d: Date): LocalDate => ({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
  return {
    key: keyOf(year, week),
    startMs: localMidnight(local(monday), timeZone),
    endMs: localMidnight(local(nextMonday), timeZone),
    timeZone,
  };
}

/** The ISO week `ms` falls in, in the zone. */
export function weekContaining(ms: number, timeZone: string): Period {
  const p = localParts(ms, timeZone);
  const day = Date.UTC(p.year, p.month - 1, p.day);
  // The ISO year is the year of the week's Thursday.
  const thursday = new Date(day + (3 - ((new Date(day).getUTCDay() + 6) % 7)) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - week1Monday(year)) / (7 * DAY_MS)) + 1;
  return periodOf(year, week, timeZone);
}

/** The week before. */
export function previousWeek(period: Period): Period {
  return weekContaining(period.startMs - DAY_MS / 2, period.timeZone);
}

/** `YYYY-Www` (weeks 01–52, or 53 in the years that have one). */
export function parseWeek(key: string, timeZone: string): Period {
  const match = /^(\d{4})-W(\d{2})$/.exec(key);
  if (!match) throw new PeriodError(`"${key}" is not a week: use last-week or YYYY-Www (e.g. 2026-W49)`);
  const year = Number(match[1]);
  const week = Number(match[2]);
  if (week < 1 || week > weeksIn(year))
    throw new PeriodError(`${year} has weeks 01 to ${weeksIn(year)}, not ${match[2]}`);
  return periodOf(year, week, timeZone);
}

/** A command line's period: `last-week` (relative to `nowMs`) or `YYYY-Www`. */
export function periodFromArgument(argument: string, nowMs: number, timeZone: string): Period {
  if (argument === 'last-week') return previousWeek(weekContaining(nowMs, timeZone));
  return parseWeek(argument, timeZone);
}

/** `1 Dec – 7 Dec 2026`: the days a period covers, in its zone. */
export function describePeriod(period: Period): string {
  const format = (ms: number, withYear: boolean) =>
    new Intl.DateTimeFormat('en-GB', {
      timeZone: period.timeZone,
      day: 'numeric',
      month: 'short',
      ...(withYear ? { year: 'numeric' } : {}),
    }).format(new Date(ms));
  return `${format(period.startMs, false)} – ${format(period.endMs - 1, true)}`;
}
