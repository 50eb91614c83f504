import { Cron } from 'croner';
import type { DigestConfig } from '../config/reports.js';
import { previousWeek, weekContaining, type Period } from './period.js';

/** The latest instant the schedule fired at or before `nowMs`; null when it never has. */
export function lastFiring(config: Pick<DigestConfig, 'schedule' | 'timeZone'>, nowMs: number): Date | null {
  // croner leaves out a firing exactly at the reference instant: look from just after it.
  const [last] = new Cron(config.schedule, { timezone: config.timeZone, paused: true }).previousRuns(
    1,
    new Date(nowMs + 1),
  );
  return last ?? null;
}

/** The next firing after `nowMs`. */
export function nextFiring(config: Pick<DigestConfig, 'schedule' | 'timeZone'>, nowMs: number): Date | null {
  return new Cron(config.schedule, { timezone: config.timeZone, paused: true }).nextRun(new Date(nowMs));
}

/** The period a digest sent at `firedAt` covers. */
export function periodFor(config: Pick<DigestConfig, 'period' | 'timeZone'>, firedAtMs: number): Period {
  const week = weekContaining(firedAtMs, config.timeZone);
  return config.period === 'previous-week' ? previousWeek(week) : week;
}

/**
 * The period due at `nowMs`: the one of the schedule's latest firing. Whether it was already sent
 * is the cursor's business (src/reports/run.ts); a replica or restart asking again gets the same key.
 */
export function duePeriod(
  config: Pick<DigestConfig, 'schedule' | 'timeZone' | 'period'>,
  nowMs: number,
): Period | null {
  const fired = lastFiring(config, nowMs);
  return fired ? periodFor(config, fired.getTime()) : null;
}
