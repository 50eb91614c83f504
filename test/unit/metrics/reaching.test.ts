import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRESET } from '../../../src/config/presets.js';
import { configSchema } from '../../../src/config/schema.js';
import type { Transition } from '../../../src/domain/types.js';
import { stagesReaching } from '../../../src/metrics/durations/board-order.js';
import { issueFacts } from '../../../src/metrics/durations/issue-facts.js';
import { issueMetrics } from '../../../src/metrics/durations/issue-metrics.js';
import { metricsSettings } from '../../../src/metrics/durations/settings.js';

const settings = metricsSettings(configSchema.parse({}));
const HOUR = 3_600_000;
const T0 = Date.parse('2026-01-05T09:00:00Z');

function historyOf(steps: [stage: string, hours: number][]): Transition[] {
  return steps.map(([to, hours], i) => ({
    forge: 'gitlab',
    project: '7',
    iid: 1,
    from: steps[i - 1]?.[0] ?? null,
    to,
    at: new Date(T0 + hours * HOUR).toISOString(),
    actor: 'ae',
    source: 'webhook',
    kind: 'sow-request',
    segment: null,
  }));
}

function durationOf(steps: [string, number][], name: string, nowHours = 2_000) {
  const metrics = issueMetrics(issueFacts(historyOf(steps), [])[0]!, settings, T0 + nowHours * HOUR);
  const d = metrics.durations.get(name);
  return d && { state: d.state, hours: d.ms / HOUR, status: d.status };
}

describe('an `enter` end event ends on reaching the stage or any later one', () => {
  it('knows board order, and that closing, on-hold and paused are not progress', () => {
    const reaching = stagesReaching(DEFAULT_PRESET, new Set(['closed']));
    expect([...reaching.get('triage')!]).toEqual([
      'triage',
      'discovery',
      'estimate',
      'sow-drafting',
      'sow-review',
      'sow-approved',
      'sow-signed',
      'handoff',
      'kickoff',
      'design-validation',
      'deployment',
      'configuration',
      'production-live',
      'ta-handoff',
    ]);
    expect([...reaching.get('production-live')!]).toEqual(['production-live', 'ta-handoff']);
    expect([...reaching.get('closed')!]).toEqual(['closed']);
    expect([...reaching.get('proposed')!]).toEqual(['proposed', 'in-progress']);
    expect(reaching.has('on-hold')).toBe(false);
  });

  // Hours from creation, worked out by hand; sla_triage has a 1-day target, implementation 30 days.
  it.each([
    {
      why: 'intake straight to sow-signed ends triage there',
      steps: [
        ['intake', 0],
        ['sow-signed', 12],
        ['kickoff', 48],
      ],
      name: 'sla_triage',
      expected: { state: 'finished', hours: 12, status: 'met' },
    },
    {
      why: 'a skip after the target is a breach, not an open timer',
      steps: [
        ['intake', 0],
        ['discovery', 30],
      ],
      name: 'sla_triage',
      expected: { state: 'finished', hours: 30, status: 'breached' },
    },
    {
      why: 'the first reach counts, even when the card later goes back',
      steps: [
        ['intake', 0],
        ['estimate', 5],
        ['triage', 9],
      ],
      name: 'sla_triage',
      expected: { state: 'finished', hours: 5, status: 'met' },
    },
    {
      why: 'on-hold is a side state, not a later stage',
      steps: [
        ['intake', 0],
        ['on-hold', 2],
      ],
      name: 'sla_triage',
      expected: { state: 'open', hours: 2_000, status: 'breached' },
    },
    {
      why: 'closing from intake stops the timer without ending it',
      steps: [
        ['intake', 0],
        ['closed', 20],
      ],
      name: 'sla_triage',
      expected: { state: 'stopped', hours: 20, status: null },
    },
    {
      why: 'deployment straight to ta-handoff ends the implementation',
      steps: [
        ['deployment', 0],
        ['ta-handoff', 240],
      ],
      name: 'implementation',
      expected: { state: 'finished', hours: 240, status: 'met' },
    },
    {
      why: 'closing an implementation in deployment does not make it live',
      steps: [
        ['deployment', 0],
        ['closed', 240],
      ],
      name: 'implementation',
      expected: { state: 'stopped', hours: 240, status: null },
    },
    {
      why: 'a stage before the end stage does not end it',
      steps: [
        ['sow-signed', 0],
        ['handoff', 24],
      ],
      name: 'delivery_lead_time',
      expected: { state: 'open', hours: 2_000, status: 'breached' },
    },
  ] as { why: string; steps: [string, number][]; name: string; expected: object }[])(
    '$why',
    ({ steps, name, expected }) => {
      expect(durationOf(steps, name)).toEqual(expected);
    },
  );

  it('start events still match their stage only: skipping deployment starts no implementation', () => {
    expect(
      durationOf(
        [
          ['kickoff', 0],
          ['production-live', 100],
        ],
        'implementation',
      ),
    ).toBeUndefined();
  });

  it('skipping stages never leaves an `enter` end open once a later stage was reached', () => {
    const board = DEFAULT_PRESET.stages;
    const progress = board.filter((stage) => stage !== 'closed');
    const enterEnds = settings.definitions.flatMap((d) =>
      d.end.flatMap((e) => ('enter' in e ? [{ name: d.name, stage: e.enter }] : [])),
    );
    fc.assert(
      fc.property(
        // Distinct instants: same-instant chains are the timeline's ordering problem, tested with it.
        fc.array(
          fc.record({ stage: fc.constantFrom(...board, 'on-hold'), gapHours: fc.integer({ min: 1, max: 100 }) }),
          { minLength: 1, maxLength: 12 },
        ),
        (moves) => {
          let hours = 0;
          const steps = moves.map(({ stage, gapHours }): [string, number] => [stage, (hours += gapHours)]);
          const metrics = issueMetrics(issueFacts(historyOf(steps), [])[0]!, settings, T0 + (hours + 1) * HOUR);
          for (const { name, stage } of enterEnds) {
            const d = metrics.durations.get(name);
            if (!d) continue;
            const reachedAt = historyOf(steps)
              .filter((t) => progress.indexOf(t.to) >= progress.indexOf(stage) && Date.parse(t.at) >= d.startMs)
              .map((t) => Date.parse(t.at));
            if (reachedAt.length === 0) continue;
            expect(d.state, `${name} after ${steps.map((s) => s[0]).join(' → ')}`).toBe('finished');
            expect(d.endMs).toBeLessThanOrEqual(Math.min(...reachedAt));
          }
        },
      ),
    );
  });
});
