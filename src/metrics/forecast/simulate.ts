import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { select } from '../durations/stats.js';
import type { Pool } from './history.js';
import type { SurvivalCurve } from './survival.js';

/** Where an open engagement stands, in calendar milliseconds. */
export interface OpenPath {
  startMs: number;
  stage: string;
  stageSinceMs: number;
  /** The latest go-live that still meets the target; null without a target. */
  deadlineMs: number | null;
}

export interface Simulation {
  p50Ms: number;
  p85Ms: number;
  /** Share of simulated go-lives on or before the deadline; null without a target. */
  chance: number | null;
}

const TWO_POW_32 = 4_294_967_296;

/**
 * Uniform in [0, 1). Exactly one `next()` per call, so two forecasts of the same engagement with
 * the same seed consume the same stream draw by draw: a later "now" can only move each draw to an
 * equal or longer value (monotone in elapsed time).
 */
const uniform = (rng: RandomGenerator): number => (rng.next() >>> 0) / TWO_POW_32;

/**
 * A conditioned draw stands on at least this many past values that ended (go-lives, finished
 * visits): one finished visit as long as this one would otherwise make the forecast certain.
 */
export const CONDITIONED_ON_AT_LEAST = 5;

/**
 * Draws from a survival curve, given that the thing has lasted `elapsed` so far, what is left of
 * it: the curve conditioned on "at least `elapsed`", minus `elapsed`. Still-running observations
 * count for as long as they have lasted. When fewer than CONDITIONED_ON_AT_LEAST ended values are
 * that long, it conditions on the shortest of the longest ones instead and continues from now: the
 * history's own long tail, from this moment on.
 */
class Remainder {
  private readonly from: number;
  private readonly subtract: number;

  constructor(
    private readonly curve: SurvivalCurve,
    elapsed: number,
  ) {
    this.subtract = Math.min(elapsed, curve.longestEnded(CONDITIONED_ON_AT_LEAST));
    this.from = 1 - curve.survivalBefore(this.subtract);
  }

  /** The remainder for a uniform `u`. */
  draw(u: number): number {
    return Math.max(this.subtract, this.curve.quantile(this.from + u * (1 - this.from))) - this.subtract;
  }
}

const rank = (length: number, q: number): number => Math.max(0, Math.ceil(q * length) - 1);

/**
 * Monte Carlo of the go-live, one value per element of `draws` (its length is the number of draws;
 * it is overwritten). Each draw comes, with equal odds, from one of two models of what is left,
 * both drawn from the pool's survival curves (finished engagements, and running ones for as long
 * as they have run):
 * - the path: the rest of the current stage from the visits to it, given at least as long as this
 *   one so far, then what followed the first visit to that stage in a comparable engagement (its
 *   later stages as they really went, revisits and pauses included);
 * - the whole: a duration given at least as long as this one's so far, minus the time elapsed.
 * The path knows where the engagement is; the whole knows how long it has been going, which
 * matters when go-live is set by a date rather than by the work (in the backtest of
 * bench/forecast.ts the whole alone held 76 % on the demo's quarter, the mix 80–90 % on both boards).
 * When no engagement of the pool went live after a visit to the current stage, only the whole is
 * drawn. Never earlier than now.
 */
export function simulate(
  pool: Pool,
  path: OpenPath,
  nowMs: number,
  rng: RandomGenerator,
  draws: Float64Array,
): Simulation {
  const stage = pool.stages.get(path.stage);
  const whole = new Remainder(pool.totals, nowMs - path.startMs);
  const current = stage ? new Remainder(stage.visits, nowMs - path.stageSinceMs) : null;
  const tails = stage?.tails;
  const deadline = path.deadlineMs ?? Infinity;
  let within = 0;
  for (let d = 0; d < draws.length; d++) {
    // One uniform picks the model (its lower or upper half) and, stretched back to [0, 1), the
    // value: the same draw takes the same model at any "now", and it costs one `next()`.
    const u = uniform(rng);
    const byPath = current !== null && u >= 0.5;
    const rest = byPath
      ? current.draw(2 * u - 1) + tails!.quantile(uniform(rng))
      : whole.draw(current === null ? u : 2 * u);
    const goLiveMs = nowMs + rest;
    draws[d] = goLiveMs;
    if (goLiveMs <= deadline) within++;
  }
  // Nearest-rank quantiles by selection: sorting every engagement's draws cost twice as much.
  const [k50, k85] = [rank(draws.length, 0.5), rank(draws.length, 0.85)];
  select(draws, k50, 0, draws.length - 1);
  select(draws, k85, k50, draws.length - 1);
  return {
    p50Ms: draws[k50]!,
    p85Ms: draws[k85]!,
    chance: path.deadlineMs === null ? null : within / draws.length,
  };
}
