/**
 * Kaplan–Meier survival curves over right-censored durations: things that ended (an engagement
 * went live, a visit to a stage ended) and things still going when last seen, which only say
 * "at least this long". Pure maths, no I/O.
 */

/** How long something lasted, and whether it ended then (else it was still going: censored). */
export interface Observation {
  ms: number;
  ended: boolean;
}

/**
 * The Kaplan–Meier estimate S(t) = P(T > t) = Π over event times tᵢ ≤ t of (1 − dᵢ / nᵢ), where dᵢ
 * ended at tᵢ and nᵢ were still going just before it (a censored observation at tᵢ counts as still
 * going). Without censoring it is the empirical distribution. Beyond the last event the curve stays
 * above 0 when the longest observations were still going; that remaining mass is spread
 * exponentially past the last event at the rate the longest ones ended (TAIL_EVENTS events per
 * unit of time observed beyond the first of them), so "still going" is never read as "about to end".
 */
/** How many of the longest events set the rate of the tail beyond the last one. */
export const TAIL_EVENTS = 5;

export class SurvivalCurve {
  /** Distinct durations at which something ended, ascending. */
  readonly times: Float64Array;
  /** 1 − S(times[i]): the share ended by times[i], non-decreasing. */
  readonly cumulative: Float64Array;
  /** How many ended at times[i]. */
  readonly ended: Uint32Array;
  readonly events: number;
  readonly observations: number;
  /** Events per millisecond observed among the longest: the exponential tail's rate. */
  readonly tailRate: number;
  /** Per equal share of [0, 1): the first jump that passes its start, so a quantile scans a jump or two. */
  private readonly bucketStart: Uint32Array;

  constructor(observations: readonly Observation[]) {
    const sorted = [...observations].sort((a, b) => a.ms - b.ms || Number(b.ended) - Number(a.ended));
    const times: number[] = [];
    const cumulative: number[] = [];
    const endedAt: number[] = [];
    let survival = 1;
    let events = 0;
    for (let i = 0; i < sorted.length; ) {
      const ms = sorted[i]!.ms;
      const atRisk = sorted.length - i;
      let ended = 0;
      for (; i < sorted.length && sorted[i]!.ms === ms; i++) if (sorted[i]!.ended) ended++;
      if (ended === 0) continue;
      events += ended;
      survival *= 1 - ended / atRisk;
      times.push(ms);
      endedAt.push(ended);
      cumulative.push(1 - survival);
    }
    this.times = Float64Array.from(times);
    this.cumulative = Float64Array.from(cumulative);
    this.ended = Uint32Array.from(endedAt);
    this.bucketStart = new Uint32Array(Math.max(1, 2 * times.length));
    for (let b = 0, i = 0; b < this.bucketStart.length; b++) {
      while (i < times.length - 1 && this.cumulative[i]! <= b / this.bucketStart.length) i++;
      this.bucketStart[b] = i;
    }
    this.events = events;
    this.observations = sorted.length;
    // The hazard among the longest: the last TAIL_EVENTS events per unit of time that anything
    // (ended or still going) was observed beyond the first of them.
    const from = this.longestEnded(TAIL_EVENTS);
    let [tailEvents, exposure] = [0, 0];
    for (const o of sorted) {
      if (o.ms < from) continue;
      exposure += o.ms - from;
      if (o.ended) tailEvents++;
    }
    this.tailRate = exposure > 0 ? tailEvents / exposure : 0;
  }

  /** S(t) = P(T > t). */
  survival(t: number): number {
    return this.survivalAtIndex(this.eventsBefore(t, true) - 1);
  }

  /** P(T ≥ t): the survival just before t. */
  survivalBefore(t: number): number {
    return this.survivalAtIndex(this.eventsBefore(t, false) - 1);
  }

  /** The k-th longest duration that ended (k from 1, ties counted apiece); the shortest when fewer ended. */
  longestEnded(k: number): number {
    let remaining = k;
    for (let i = this.times.length - 1; i > 0; i--) {
      remaining -= this.ended[i]!;
      if (remaining <= 0) return this.times[i]!;
    }
    return this.times[0] ?? 0;
  }

  /**
   * The quantile for a share `v` in [0, 1): the first event time by which more than `v` has
   * ended; past the last event, the exponential tail.
   */
  quantile(v: number): number {
    const n = this.times.length;
    if (n === 0) return this.tailRate > 0 ? -Math.log1p(-v) / this.tailRate : 0;
    const last = this.cumulative[n - 1]!;
    if (v >= last) {
      if (last >= 1) return this.times[n - 1]!;
      const residual = (v - last) / (1 - last);
      return this.times[n - 1]! + (this.tailRate > 0 ? -Math.log1p(-residual) / this.tailRate : 0);
    }
    // The first jump past v is at or after the one that passes the start of v's bucket.
    let i = this.bucketStart[Math.floor(v * this.bucketStart.length)]!;
    while (this.cumulative[i]! <= v) i++;
    return this.times[i]!;
  }

  private survivalAtIndex(i: number): number {
    return i < 0 ? 1 : 1 - this.cumulative[i]!;
  }

  /** How many event times lie before t (at or before it when `inclusive`). */
  private eventsBefore(t: number, inclusive: boolean): number {
    let [low, high] = [0, this.times.length];
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (inclusive ? this.times[middle]! <= t : this.times[middle]! < t) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
