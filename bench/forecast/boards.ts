/**
 * The two histories the forecast is backtested on: the demo's quarter (src/demo/scenario.ts) as the
 * transitions boardkeeper records for it, and a board with skewed, long-tailed stage times.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { planQuarter, type Engagement } from '../../src/demo/scenario.js';
import type { Transition } from '../../src/domain/types.js';
import { overlayTo } from '../../src/domain/overlay.js';

const DAY = 86_400_000;
export const QUARTER_START = Date.parse('2026-07-01T00:00:00Z');

/** Records one issue's path: each entry moves it to a stage (or adds/removes an overlay label). */
class IssueRecorder {
  readonly transitions: Transition[] = [];
  stage: string | null = null;

  constructor(private readonly base: Pick<Transition, 'forge' | 'project' | 'iid' | 'kind' | 'segment'>) {}

  move(to: string, atMs: number): void {
    if (to === this.stage) return;
    this.transitions.push({
      ...this.base,
      from: this.stage,
      to,
      at: new Date(atMs).toISOString(),
      actor: 'ie',
      source: 'webhook',
    });
    this.stage = to;
  }

  overlay(label: string, present: boolean, atMs: number): void {
    this.transitions.push({
      ...this.base,
      from: null,
      to: overlayTo(label, present),
      at: new Date(atMs).toISOString(),
      actor: 'ie',
      source: 'webhook',
    });
  }
}

/** What the rules record for one demo engagement's steps: stage moves, on-hold and back, lost, close. */
function demoTransitions(engagement: Engagement, iid: number): Transition[] {
  if (engagement.template !== 'sow-request') return [];
  const opened = engagement.steps.find((step) => step.move.kind === 'open');
  const segment = opened?.move.kind === 'open' ? String(opened.move.answers.segment ?? '') || null : null;
  const issue = new IssueRecorder({ forge: engagement.forge, project: 'demo', iid, kind: 'sow-request', segment });
  let beforeHold: string | null = null;
  for (const { day, move } of engagement.steps) {
    const atMs = QUARTER_START + day * DAY;
    if (move.kind === 'open') issue.move('intake', atMs);
    else if (move.kind === 'stage') issue.move(move.to, atMs);
    else if (move.kind === 'close') issue.move('closed', atMs);
    else if (move.kind === 'labels' && move.add.includes('stage::on-hold')) {
      beforeHold = issue.stage;
      issue.move('on-hold', atMs);
    } else if (move.kind === 'labels' && move.remove.includes('stage::on-hold') && beforeHold)
      issue.move(beforeHold, atMs);
    else if (move.kind === 'labels')
      for (const label of move.add.filter((l) => l.startsWith('outcome::'))) issue.overlay(label, true, atMs);
  }
  return issue.transitions;
}

/** The demo's quarter with `count` engagements (the demo plays 16 by default; more give the forecast a history). */
export function demoQuarter(count: number, seed = 2027): { transitions: Transition[]; endMs: number } {
  const transitions = planQuarter(count, seed).flatMap((engagement, n) => demoTransitions(engagement, n + 1));
  return { transitions, endMs: QUARTER_START + 90 * DAY };
}

/** Uniform (0, 1) and log-normal / Pareto draws from a seeded generator. */
function distributions(seed: number) {
  const rng = xoroshiro128plus(seed);
  const uniform = () => ((rng.next() >>> 0) + 0.5) / 4_294_967_296;
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return {
    uniform,
    /** Log-normal with the given median (days) and shape: most short, a long right tail. */
    logNormal: (medianDays: number, sigma: number) => medianDays * Math.exp(sigma * normal()) * DAY,
    /** Pareto with minimum `minDays` and tail index `alpha` (a heavy tail: freezes of months happen). */
    pareto: (minDays: number, alpha: number) => (minDays / uniform() ** (1 / alpha)) * DAY,
  };
}

const SEGMENTS = [
  ['smb', 0.6],
  ['mm', 1],
  ['enterprise', 1.6],
  ['strategic', 2.2],
] as const;

/**
 * Engagements entering deployment at random over `spanDays` before `endMs`: deployment and
 * configuration log-normal (segment-dependent), a quarter go back from configuration to
 * deployment once, and some are put on hold for a Pareto-distributed time. Those not live by
 * `endMs` are open.
 */
export function skewedBoard({
  count,
  spanDays,
  endMs,
  seed = 7,
  project = 'skewed',
}: {
  count: number;
  spanDays: number;
  endMs: number;
  seed?: number;
  project?: string;
}): Transition[] {
  const { uniform, logNormal, pareto } = distributions(seed);
  const transitions: Transition[] = [];
  for (let iid = 1; iid <= count; iid++) {
    const [segment, scale] = SEGMENTS[Math.floor(uniform() * SEGMENTS.length)]!;
    const issue = new IssueRecorder({ forge: 'gitlab', project, iid, kind: 'sow-request', segment });
    let at = endMs - uniform() * spanDays * DAY;
    const step = (to: string, ms: number) => {
      if (at < endMs) issue.move(to, at);
      at += ms;
    };
    step('kickoff', logNormal(3, 0.5));
    step('deployment', logNormal(8 * scale, 0.9));
    if (uniform() < 0.15) {
      step('on-hold', pareto(4, 1.3));
      step('deployment', logNormal(2, 0.7));
    }
    step('configuration', logNormal(5, 1));
    if (uniform() < 0.25) {
      step('deployment', logNormal(3, 0.8));
      step('configuration', logNormal(2, 0.8));
    }
    step('production-live', logNormal(4, 0.5));
    step('closed', 0);
    transitions.push(...issue.transitions);
  }
  return transitions;
}
