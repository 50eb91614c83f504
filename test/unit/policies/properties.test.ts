import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SLA_LABELS, STALE_LABEL } from '../../../src/policies/defaults.js';
import { parsePolicyMemory } from '../../../src/policies/memory.js';
import { EMPTY_MEMORY, type PolicyMemory } from '../../../src/policies/types.js';
import { decide } from '../../../src/rules/index.js';
import { readPersonActivity } from '../../../src/domain/issue-memory.js';
import { body, github } from '../rules/payloads.js';
import { applyLabels, DAY, DEFAULT_CONFIG, evaluate, issue, T0, type Engagement } from './board.js';

const STAGES = [
  'intake',
  'estimate',
  'sow-signed',
  'kickoff',
  'design-validation',
  'deployment',
  'configuration',
  'on-hold',
  'production-live',
];
const POLICY_LABELS = [SLA_LABELS.atRisk, SLA_LABELS.breached, STALE_LABEL];

/** A random engagement history: stage moves days apart, perhaps closed, with some labels already on it. */
const engagement = fc
  .record({
    moves: fc.array(
      fc.record({ stage: fc.constantFrom(...STAGES), gapDays: fc.double({ min: 0.1, max: 25, noNaN: true }) }),
      { minLength: 1, maxLength: 8 },
    ),
    closeAfterDays: fc.option(fc.double({ min: 0.1, max: 40, noNaN: true }), { nil: undefined }),
    labels: fc.subarray([...POLICY_LABELS, 'segment::enterprise']),
  })
  .map(({ moves, closeAfterDays, labels }): Engagement => {
    let at = T0;
    const timed = moves.map(({ stage, gapDays }): [string, number] => [stage, (at += gapDays * DAY)]);
    return { moves: timed, labels, closedAtMs: closeAfterDays === undefined ? undefined : at + closeAfterDays * DAY };
  });

/** The engagement as the store knows it at `nowMs`: only what happened by then. */
function asOf(e: Engagement, nowMs: number, labels: string[]): Engagement {
  const moves = e.moves.filter(([, at]) => at <= nowMs);
  return {
    ...e,
    moves: moves.length > 0 ? moves : [e.moves[0]!],
    labels,
    closedAtMs: e.closedAtMs !== undefined && e.closedAtMs <= nowMs ? e.closedAtMs : undefined,
  };
}

const sweepTimes = fc
  .array(fc.double({ min: 0, max: 120, noNaN: true }), { minLength: 1, maxLength: 12 })
  .map((days) => days.sort((a, b) => a - b).map((d) => T0 + d * DAY));

describe('policy properties', () => {
  it('a second sweep at the same moment changes nothing (labels applied, memory kept)', () => {
    fc.assert(
      fc.property(engagement, sweepTimes, (e, times) => {
        let labels = e.labels ?? [];
        let memory: PolicyMemory = EMPTY_MEMORY;
        for (const at of times) {
          const first = evaluate(issue(asOf(e, at, labels)), at, memory);
          labels = applyLabels(labels, first.steps);
          memory = first.memory;
          const second = evaluate(issue(asOf(e, at, labels)), at, memory);
          expect(second.steps).toEqual([]);
          expect(second.memoryChanged).toBe(false);
        }
      }),
    );
  });

  it('is restart-safe: the stored memory (JSON) decides exactly like the one in memory, and a retry after a crash re-sends no label change', () => {
    fc.assert(
      fc.property(engagement, sweepTimes, (e, times) => {
        let labels = e.labels ?? [];
        let memory: PolicyMemory = EMPTY_MEMORY;
        for (const at of times) {
          const stored = parsePolicyMemory(JSON.parse(JSON.stringify(memory)));
          const live = evaluate(issue(asOf(e, at, labels)), at, memory);
          expect(evaluate(issue(asOf(e, at, labels)), at, stored)).toEqual(live);
          const applied = applyLabels(labels, live.steps);
          // Crash: the forge changed, the memory was not stored. The retry finds the labels already right.
          const retry = evaluate(issue(asOf(e, at, applied)), at, memory);
          expect(retry.steps.filter((s) => s.type === 'labels')).toEqual([]);
          labels = applied;
          memory = live.memory;
        }
      }),
    );
  });

  it('acts once per threshold crossed: one at-risk and one breach per implementation, however often it sweeps', () => {
    const stuckInDeployment: Engagement = {
      moves: [
        ['sow-signed', T0 - DAY],
        ['deployment', T0],
      ],
    };
    fc.assert(
      fc.property(sweepTimes, (times) => {
        let labels: string[] = [];
        let memory: PolicyMemory = EMPTY_MEMORY;
        const alerts: string[] = [];
        for (const at of times) {
          // A person works on it every day, so only the SLA policies speak.
          const result = evaluate(issue({ ...stuckInDeployment, labels, personAtMs: at - DAY / 2 }), at, memory);
          labels = applyLabels(labels, result.steps);
          memory = result.memory;
          alerts.push(...result.steps.flatMap((s) => (s.type === 'alert' ? [s.alert.kind] : [])));
        }
        const elapsed = times.map((at) => (at - T0) / DAY);
        const sweptWhileAtRisk = elapsed.some((d) => d > 21 && d <= 30);
        const sweptAfterBreach = elapsed.some((d) => d > 30);
        expect(alerts).toEqual([...(sweptWhileAtRisk ? ['at-risk'] : []), ...(sweptAfterBreach ? ['breached'] : [])]);
        expect(labels).toEqual(sweptAfterBreach ? [SLA_LABELS.breached] : sweptWhileAtRisk ? [SLA_LABELS.atRisk] : []);
      }),
    );
  });

  it('respects a person who removes sla::at-risk: not added again, and the breach still acts', () => {
    const stuckInDeployment: Engagement = { moves: [['deployment', T0]] };
    fc.assert(
      fc.property(fc.double({ min: 21.01, max: 29.9, noNaN: true }), sweepTimes, (atRiskDay, later) => {
        const first = T0 + atRiskDay * DAY;
        const fired = evaluate(issue({ ...stuckInDeployment, personAtMs: first }), first);
        expect(applyLabels([], fired.steps)).toEqual([SLA_LABELS.atRisk]);
        let labels: string[] = []; // a person removed it
        let memory = fired.memory;
        for (const at of later.map((t) => t + atRiskDay * DAY)) {
          const result = evaluate(issue({ ...stuckInDeployment, labels, personAtMs: at }), at, memory);
          const added = result.steps.flatMap((s) => (s.type === 'labels' ? s.add : []));
          expect(added).not.toContain(SLA_LABELS.atRisk);
          if ((at - T0) / DAY > 30 && !labels.includes(SLA_LABELS.breached))
            expect(added).toContain(SLA_LABELS.breached);
          labels = applyLabels(labels, result.steps);
          memory = result.memory;
        }
      }),
    );
  });
});

describe('the forge echoing the sweep’s labels back', () => {
  const opened = decide(
    github('opened', [], { body: body('github-sow-request'), actor: 'ae-jane' }),
    null,
    DEFAULT_CONFIG,
  ).state;

  it('is no transition, no action, and not a person’s activity, whether or not the bot is recognised', () => {
    fc.assert(
      fc.property(fc.constantFrom(...POLICY_LABELS), fc.boolean(), fc.boolean(), (label, added, recognised) => {
        const before = added ? opened.labels : [...opened.labels, label];
        const after = added ? [...opened.labels, label] : opened.labels;
        const prior = { ...opened, labels: before };
        const echo = github(added ? 'labeled' : 'unlabeled', after, {
          body: body('github-sow-request'),
          actor: 'boardkeeper[bot]',
          isBot: recognised,
          label,
        });
        const decision = decide({ ...echo, occurredAt: '2030-01-01T00:00:00Z' }, prior, DEFAULT_CONFIG);
        expect(decision.transitions).toEqual([]);
        expect(decision.actions).toEqual([]);
        expect(readPersonActivity(decision.state.extra)).toBe(readPersonActivity(opened.extra));
        expect(decision.state.stage).toBe(opened.stage);
      }),
    );
  });

  it('while a person’s own change is activity', () => {
    const edit = github('labeled', [...opened.labels, 'segment::enterprise'], {
      body: body('github-sow-request'),
      actor: 'ie-alex',
      label: 'segment::enterprise',
    });
    const decision = decide({ ...edit, occurredAt: '2030-01-01T00:00:00Z' }, opened, DEFAULT_CONFIG);
    expect(readPersonActivity(decision.state.extra)).toBe('2030-01-01T00:00:00Z');
  });
});
