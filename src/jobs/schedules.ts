import type { Schedule } from './job.js';

/** Timers drift: a run counts as due a little before a whole interval, so no tick is ever a skip. */
const DRIFT_ALLOWANCE = 0.8;

/**
 * Due when at least `minGapMs` passed since the last run finished (whichever replica ran it);
 * 0 makes every check due. Asked every `checkEveryMs`.
 */
export function sinceLastFinish(minGapMs: number, checkEveryMs: number): Schedule {
  return {
    checkEveryMs,
    cursor: 'finishedAt',
    due: (now, last) => (last !== null && now.getTime() - Date.parse(last) < minGapMs ? null : now.toISOString()),
    finished: (_key, finishedAt) => finishedAt.toISOString(),
  };
}

/** Once per interval between all replicas: e.g. the sweep every `sweep.intervalMinutes`. */
export function everyInterval(intervalMs: number): Schedule {
  return sinceLastFinish(intervalMs * DRIFT_ALLOWANCE, intervalMs);
}

/**
 * Once per calendar period, e.g. `periodOf` giving `2026-W49` for a weekly digest: due when the
 * period `now` falls in is not the one last run. Asked every `checkEveryMs`.
 */
export function oncePerPeriod(periodOf: (now: Date) => string, checkEveryMs: number): Schedule {
  return {
    checkEveryMs,
    cursor: 'period',
    due: (now, last) => {
      const period = periodOf(now);
      return period === last ? null : period;
    },
    finished: (key) => key,
  };
}
