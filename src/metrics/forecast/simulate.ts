import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { select } from '../stats.js';
import type { Pool } from './history.js';

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
 * A uniform index in [from, length). Exactly one `next()` per draw, whatever the range, so two
 * forecasts of the same engagement with the same seed consume the same stream draw by draw: a
 * later "now" can only move each draw to an equal or longer value (monotone in elapsed time).
 */
function pick(rng: RandomGenerator, from: number, length: number): number {
  return from + Math.floor(((rng.next() >>> 0) / TWO_POW_32) * (length - from));
}

/** The first index of an ascending array whose value is at least `min` (its length when none is). */
function firstAtLeast(sorted: Float64Array, min: number): number {
  let [low, high] = [0, sorted.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < min) low = middle + 1;
    else high = middle;
  }
  return low;
}

const rank = (length: number, q: number): number => Math.max(0, Math.ceil(q * length) - 1);

/**
 * Monte Carlo of the time still to go, one value per element of `draws` (its length is the number
 * of draws; it is overwritten). The rest of the current stage comes from past visits to that stage
 * that lasted at least as long as this one so far; what follows it, from what followed the first
 * visit to that stage in one past engagement. When the pool never saw the stage, the whole
 * duration is drawn instead, from past durations at least as long as the time elapsed. When the
 * time so far outlasts every past value, the history says nothing about how much longer: a fresh,
 * unconditioned value is drawn and added to the time so far.
 */
export function simulate(pool: Pool, path: OpenPath, nowMs: number, rng: RandomGenerator, draws: Float64Array): Simulation {
  const stage = pool.stages.get(path.stage);
  const current = stage?.visits ?? pool.totals;
  const tails = stage?.tails ?? null;
  const elapsed = nowMs - (stage ? path.stageSinceMs : path.startMs);
  let from = firstAtLeast(current, elapsed);
  let subtract = elapsed;
  if (from === current.length) [from, subtract] = [0, 0];
  const deadline = path.deadlineMs ?? Infinity;
  let within = 0;
  for (let d = 0; d < draws.length; d++) {
    let rest = current[pick(rng, from, current.length)]! - subtract;
    if (tails) rest += tails[pick(rng, 0, tails.length)]!;
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
