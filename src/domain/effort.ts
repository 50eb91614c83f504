import type { Transition } from './types.js';
import { overlayTo } from './overlay.js';

/**
 * Time logged against an engagement and its estimate, in seconds (GitLab's time tracking unit; a
 * GitHub number field of hours is converted). Null: the forge has not said, or says none.
 */
export interface Effort {
  spentSeconds: number | null;
  estimateSeconds: number | null;
}

/** What one event says of the effort: a field absent here is unchanged, not cleared. */
export type EffortReading = Partial<Effort>;

export const NO_EFFORT: Effort = { spentSeconds: null, estimateSeconds: null };

/**
 * Each change of the effort is recorded like an overlay label (see overlay.ts), `+effort:<spent>:<estimate>`
 * (seconds, empty for none), so it has history for charts of hours per week, dedupes in the store
 * like every transition and needs no schema change. No paused or tracked label starts with `effort:`,
 * so the durations never see it.
 */
const PREFIX = 'effort:';

export function effortOverlay(effort: Effort): string {
  return overlayTo(`${PREFIX}${effort.spentSeconds ?? ''}:${effort.estimateSeconds ?? ''}`, true);
}

/** The effort an overlay label records, or null for another label. */
export function effortOfLabel(label: string): Effort | null {
  if (!label.startsWith(PREFIX)) return null;
  const [spent, estimate] = label.slice(PREFIX.length).split(':');
  const seconds = (text: string | undefined) => (text ? Number(text) : null);
  return { spentSeconds: seconds(spent), estimateSeconds: seconds(estimate) };
}

/** A count of seconds as the forges may send it; negative or non-finite values are none. */
export function seconds(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : null;
}

/** `previous` with what the reading says; spent is never negative. */
export function withReading(previous: Effort, reading: EffortReading): Effort {
  const pick = (key: keyof Effort) => (key in reading ? seconds(reading[key]) : previous[key]);
  return { spentSeconds: pick('spentSeconds'), estimateSeconds: pick('estimateSeconds') };
}

export const sameEffort = (a: Effort, b: Effort): boolean =>
  a.spentSeconds === b.spentSeconds && a.estimateSeconds === b.estimateSeconds;

/** The transition recording that the effort became `effort`. */
export function effortTransition(base: Omit<Transition, 'from' | 'to'>, effort: Effort): Transition {
  return { ...base, from: null, to: effortOverlay(effort) };
}

/**
 * Burn: the share of the sold effort spent (hours sold in the SOW), or of the estimate when none
 * was sold. Undefined (null) without time spent or with nothing to compare it with.
 */
export function burn(effort: Effort, soldHours: number | null): number | null {
  const spent = effort.spentSeconds;
  if (spent === null) return null;
  // Whole seconds, as the forges count: a budget that rounds to nothing compares with nothing.
  const soldSeconds = soldHours === null ? 0 : Math.round(soldHours * 3600);
  const budgetSeconds = soldSeconds > 0 ? soldSeconds : effort.estimateSeconds;
  return budgetSeconds !== null && budgetSeconds > 0 ? spent / budgetSeconds : null;
}

/** Open engagements by burn: `under-50` < 0.5 ≤ `50-80` < 0.8 ≤ `80-100` ≤ 1 < `over-100`; `unknown` without a burn. */
export const BURN_BUCKETS = ['under-50', '50-80', '80-100', 'over-100', 'unknown'] as const;
export type BurnBucket = (typeof BURN_BUCKETS)[number];

export function burnBucket(value: number | null): BurnBucket {
  if (value === null) return 'unknown';
  if (value < 0.5) return 'under-50';
  if (value < 0.8) return '50-80';
  return value <= 1 ? '80-100' : 'over-100';
}

/** The sold hours a template field gives (`sow_hours`), or null. */
export function soldHoursOf(field: string | undefined): number | null {
  if (field === undefined || field === '') return null;
  const hours = Number(field);
  return Number.isFinite(hours) && hours >= 0 ? hours : null;
}
