import type { IssueMetrics } from '../durations/issue-metrics.js';
import type { Segment } from '../durations/walk.js';
import type { ForecastBasis } from '../contract.js';

/** One stay in a stage, in calendar milliseconds. */
export interface Visit {
  stage: string;
  startMs: number;
  endMs: number;
}

/** A finished KPI duration (e.g. deployment → production-live) and the stages it went through. */
export interface PastEngagement {
  kind: string | null;
  segment: string | null;
  startMs: number;
  endMs: number;
  visits: Visit[];
}

/** What the simulation draws from: one group of comparable finished engagements. */
export interface Pool {
  basis: ForecastBasis;
  engagements: number;
  /** Whole durations, ascending. */
  totals: Float64Array;
  /**
   * Per stage, from the engagements that visited it: the length of every visit (ascending), and
   * the time from the end of each engagement's first visit to its go-live, which holds every later
   * stage as it really went, revisits and pauses included.
   */
  stages: Map<string, { visits: Float64Array; tails: Float64Array }>;
}

/** The segments inside [startMs, endMs), consecutive ones of the same stage joined into one visit. */
export function visitsWithin(segments: readonly Segment[], startMs: number, endMs: number): Visit[] {
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

/** The issue's KPI duration as history, when it has finished. */
export function pastEngagement(issue: IssueMetrics, kpi: string): PastEngagement | null {
  const duration = issue.durations.get(kpi);
  if (duration?.state !== 'finished' || duration.endMs === null) return null;
  const { startMs, endMs } = duration;
  return { kind: issue.kind, segment: issue.segment, startMs, endMs, visits: visitsWithin(issue.segments, startMs, endMs) };
}

const ascending = (values: number[]) => Float64Array.from(values).sort();

function buildPool(basis: ForecastBasis, past: readonly PastEngagement[]): Pool {
  const visits = new Map<string, number[]>();
  const tails = new Map<string, number[]>();
  for (const engagement of past) {
    const seen = new Set<string>();
    for (const visit of engagement.visits) {
      let lengths = visits.get(visit.stage);
      if (!lengths) visits.set(visit.stage, (lengths = []));
      lengths.push(visit.endMs - visit.startMs);
      if (seen.has(visit.stage)) continue;
      seen.add(visit.stage);
      let stageTails = tails.get(visit.stage);
      if (!stageTails) tails.set(visit.stage, (stageTails = []));
      stageTails.push(engagement.endMs - visit.endMs);
    }
  }
  return {
    basis,
    engagements: past.length,
    totals: ascending(past.map((e) => e.endMs - e.startMs)),
    stages: new Map([...visits].map(([stage, lengths]) => [stage, { visits: ascending(lengths), tails: Float64Array.from(tails.get(stage)!) }])),
  };
}

/**
 * Finished engagements grouped for comparison. An open engagement stands on those of its kind and
 * segment when there are at least `minimum`, else on those of its kind, else on all.
 */
export class ForecastHistory {
  private readonly pools = new Map<string, Pool | null>();

  constructor(
    private readonly past: readonly PastEngagement[],
    readonly minimum: number,
  ) {}

  get size(): number {
    return this.past.length;
  }

  /** The pool to draw from, or null when even all finished engagements are fewer than the minimum. */
  poolFor(kind: string | null, segment: string | null): Pool | null {
    return (
      this.pool('kind-and-segment', `${kind}\u0000${segment}`, (e) => e.kind === kind && e.segment === segment) ??
      this.pool('kind', `${kind}`, (e) => e.kind === kind) ??
      this.pool('all', '', () => true)
    );
  }

  private pool(basis: ForecastBasis, key: string, comparable: (e: PastEngagement) => boolean): Pool | null {
    const id = `${basis}\u0000${key}`;
    if (!this.pools.has(id)) {
      const selected = this.past.filter(comparable);
      this.pools.set(id, selected.length >= this.minimum ? buildPool(basis, selected) : null);
    }
    return this.pools.get(id)!;
  }
}
