import type { Config } from '../../config/schema.js';

/** How much of [startMs, endMs) counts, in milliseconds. */
export type Measure = (startMs: number, endMs: number) => number;

export const DAY_MS = 86_400_000;

export const calendarMeasure: Measure = (startMs, endMs) => Math.max(0, endMs - startMs);

/** Only the parts of UTC days that are neither weekend nor holiday count. */
export function businessMeasure(weekend: readonly number[], holidays: readonly string[]): Measure {
  const weekendDays = new Set(weekend);
  const holidayStarts = new Set(holidays.map((day) => Date.parse(`${day}T00:00:00Z`)));
  const isWorkday = (dayStartMs: number) =>
    !weekendDays.has(new Date(dayStartMs).getUTCDay()) && !holidayStarts.has(dayStartMs);
  return (startMs, endMs) => {
    let counted = 0;
    for (let day = Math.floor(startMs / DAY_MS) * DAY_MS; day < endMs; day += DAY_MS) {
      if (isWorkday(day)) counted += Math.min(endMs, day + DAY_MS) - Math.max(startMs, day);
    }
    return counted;
  };
}

export function measureFor(durations: Config['durations']): Measure {
  return durations.businessDays ? businessMeasure(durations.weekend, durations.holidays) : calendarMeasure;
}
