import type { IssueMetrics } from '../durations/issue-metrics.js';
import type { ForecastBasis } from '../contract.js';
import { SurvivalCurve, type Observation } from './survival.js';

/** One stay in a stage, in calendar milliseconds. */
export interface Visit {
  stage: string;
  startMs: number;
  endMs: number;
}

/**
 * A KPI duration (e.g. deployment → production-live) as far as it is known: gone live at `endMs`,
 * or still running when last seen at `endMs` (right-censored), and the stages it went through.
 */
export interface ObservedEngagement {
  kind: string | null;
  segment: string | null;
  startMs: number;
  endMs: number;
  live: boolean;
  visits: Visit[];
}

/** What the simulation draws from: one group of comparable engagements, finished and running. */
export interface Pool {
  basis: ForecastBasis;
  /** Every observation the pool stands on, as text: equal fingerprints, equal pools. */
  fingerprint: string;
  /** Finished engagements (the running ones count as censored observations besides). */
  engagements: number;
  /** Whole durations. */
  totals: SurvivalCurve;
  /**
   * Per stage, from the engagements that visited it: the length of every visit (the one a running
   * engagement is in still going), and the time from the end of each engagement's first visit to
   * its go-live, which holds every later stage as it really went, revisits and pauses included.
   */
  stages: Map<string, { visits: SurvivalCurve; tails: SurvivalCurve }>;
}

/** The segments inside [startMs, endMs), consecutive ones of the same stage joined into one visit. */
export function visitsWithin(segments: readonly Visit[], startMs: number, endMs: number): Visit[] {
  const visits: Visit[] = [];
  for (const segment of segments) {
    const from = Math.max(startMs, segment.startMs);
    const to = Math.min(endMs, segment.endMs);
    if (to <= from) continue;
    const last = visits.at(-1);
    if (last && last.stage === segment.stage && last.endMs === from) last.endMs = to;
    else visits.push({ stage: segment.stage, startMs: from, endMs: to });
  }
  return visits;
}

/**
 * The issue's KPI duration as history as of `nowMs`: finished, or running (not closed, in a stage)
 * and censored at `nowMs`. Null when it has not started or was stopped.
 */
export function observedEngagement(issue: IssueMetrics, kpi: string, nowMs: number): ObservedEngagement | null {
  const duration = issue.durations.get(kpi);
  if (duration?.state === 'finished' && duration.endMs !== null) {
    const { startMs, endMs } = duration;
    return {
      kind: issue.kind,
      segment: issue.segment,
      startMs,
      endMs,
      live: true,
      visits: visitsWithin(issue.segments, startMs, endMs),
    };
  }
  if (duration?.state !== 'open' || issue.closed || issue.stage === null) return null;
  const endMs = Math.max(nowMs, duration.startMs);
  return {
    kind: issue.kind,
    segment: issue.segment,
    startMs: duration.startMs,
    endMs,
    live: false,
    visits: visitsWithin(issue.segments, duration.startMs, endMs),
  };
}

/** What was known of an engagement at `atMs`: null before it started, running then if it ended later. */
export function knownAt(engagement: ObservedEngagement, atMs: number): ObservedEngagement | null {
  if (engagement.startMs >= atMs) return null;
  if (engagement.endMs <= atMs) return engagement;
  return { ...engagement, endMs: atMs, live: false, visits: visitsWithin(engagement.visits, engagement.startMs, atMs) };
}

const fingerprintOf = (e: ObservedEngagement): string =>
  `${e.kind},${e.segment},${e.startMs},${e.endMs},${e.live ? 1 : 0}${e.visits.map((v) => `,${v.stage},${v.startMs},${v.endMs}`).join('')}`;

function buildPool(basis: ForecastBasis, observed: readonly ObservedEngagement[]): Pool {
  const visits = new Map<string, Observation[]>();
  const tails = new Map<string, Observation[]>();
  const push = (map: Map<string, Observation[]>, stage: string, observation: Observation) => {
    const list = map.get(stage);
    if (list) list.push(observation);
    else map.set(stage, [observation]);
  };
  for (const engagement of observed) {
    const seen = new Set<string>();
    engagement.visits.forEach((visit, index) => {
      // The visit a running engagement is in has not ended: it has lasted at least this long.
      const inProgress = !engagement.live && index === engagement.visits.length - 1 && visit.endMs === engagement.endMs;
      push(visits, visit.stage, { ms: visit.endMs - visit.startMs, ended: !inProgress });
      if (seen.has(visit.stage) || inProgress) return;
      seen.add(visit.stage);
      push(tails, visit.stage, { ms: engagement.endMs - visit.endMs, ended: engagement.live });
    });
  }
  return {
    basis,
    fingerprint: `${basis}|${observed.map(fingerprintOf).join('|')}`,
    engagements: observed.filter((e) => e.live).length,
    totals: new SurvivalCurve(observed.map((e) => ({ ms: e.endMs - e.startMs, ended: e.live }))),
    stages: new Map(
      [...tails]
        .filter(([, stageTails]) => stageTails.some((t) => t.ended))
        .map(([stage, stageTails]) => [
          stage,
          { visits: new SurvivalCurve(visits.get(stage)!), tails: new SurvivalCurve(stageTails) },
        ]),
    ),
  };
}

/**
 * Engagements grouped for comparison. An open engagement stands on those of its kind and segment
 * when at least `minimum` of them finished, else on those of its kind, else on all; the running
 * ones of the group count besides, as censored observations.
 */
export class ForecastHistory {
  private readonly pools = new Map<string, Pool | null>();

  constructor(
    private readonly observed: readonly ObservedEngagement[],
    readonly minimum: number,
  ) {}

  /** Finished engagements. */
  get size(): number {
    return this.observed.filter((e) => e.live).length;
  }

  /** The pool to draw from, or null when even all finished engagements are fewer than the minimum. */
  poolFor(kind: string | null, segment: string | null): Pool | null {
    return (
      this.pool('kind-and-segment', `${kind}\u0000${segment}`, (e) => e.kind === kind && e.segment === segment) ??
      this.pool('kind', `${kind}`, (e) => e.kind === kind) ??
      this.pool('all', '', () => true)
    );
  }

  private pool(basis: ForecastBasis, key: string, comparable: (e: ObservedEngagement) => boolean): Pool | null {
    const id = `${basis}\u0000${key}`;
    if (!this.pools.has(id)) {
      const selected = this.observed.filter(comparable);
      const finished = selected.filter((e) => e.live).length;
      this.pools.set(id, finished >= this.minimum ? buildPool(basis, selected) : null);
    }
    return this.pools.get(id)!;
  }
}
