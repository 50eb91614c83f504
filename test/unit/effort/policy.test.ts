import { describe, expect, it } from 'vitest';
import { effortOverlay } from '../../../src/domain/effort.js';
import type { IssueFacts } from '../../../src/metrics/durations/issue-metrics.js';
import { buildTimeline } from '../../../src/metrics/durations/timeline.js';
import { EFFORT_BURN_MARKER } from '../../../src/policies/defaults.js';
import { brief, configWith, DAY, evaluate, issue, iso, T0, type Engagement } from '../policies/board.js';

const HOUR = 3600;
/** In deployment since T0 with 100 hours sold; people log time on it. */
const inDeployment: Engagement = {
  moves: [
    ['sow-signed', T0 - 5 * DAY],
    ['deployment', T0],
  ],
  personAtMs: T0 + 19 * DAY,
};

/** The engagement with `spent` hours logged by `atMs` for each entry, and `soldHours` in its SOW. */
function withEffort(
  engagement: Engagement,
  logs: [hours: number, atMs: number][],
  soldHours: string | null = '100',
): IssueFacts {
  const facts = issue(engagement);
  const ref = facts.id;
  const efforts = logs.map(([hours, atMs]) => ({
    ...ref,
    from: null,
    to: effortOverlay({ spentSeconds: hours * HOUR, estimateSeconds: null }),
    at: iso(atMs),
    actor: 'ie-alex',
    source: 'webhook',
  }));
  const moves = engagement.moves.map(([to, atMs], i) => ({
    ...ref,
    from: i === 0 ? null : engagement.moves[i - 1]![0],
    to,
    at: iso(atMs),
    actor: 'ie-alex',
    source: 'webhook',
  }));
  const extra = { ...facts.state!.extra, ...(soldHours === null ? {} : { fields: { sow_hours: soldHours } }) };
  return { ...facts, state: { ...facts.state!, extra }, timeline: buildTimeline([...moves, ...efforts]) };
}

const firing = [`effort-burn comment ${EFFORT_BURN_MARKER}`, 'effort-burn alert over-burn'];

describe('the shipped effort-burn policy', () => {
  it('comments and alerts once when burn passes 80 % before go-live, and stays quiet after', () => {
    const logs: [number, number][] = [
      [40, T0 + 5 * DAY],
      [79, T0 + 10 * DAY],
      [81, T0 + 15 * DAY],
      [95, T0 + 18 * DAY],
    ];
    expect(brief(evaluate(withEffort(inDeployment, logs.slice(0, 2)), T0 + 11 * DAY).steps)).toEqual([]);
    const first = evaluate(withEffort(inDeployment, logs.slice(0, 3)), T0 + 16 * DAY);
    expect(brief(first.steps)).toEqual(firing);
    const comment = first.steps.find((step) => step.type === 'comment') as { body: string };
    expect(comment.body).toContain('**81 % of the effort spent**: 81 of 100 hours logged');
    const alert = first.steps.find((step) => step.type === 'alert') as { alert: { summary: string } };
    expect(alert.alert.summary).toBe('SOW: Initech: 81 % of the effort spent (81 of 100 hours), not live yet');
    // More time logged later: the same episode, nothing again.
    expect(evaluate(withEffort(inDeployment, logs), T0 + 19 * DAY, first.memory).steps).toEqual([]);
  });

  it('never fires without sold hours or an estimate to compare with', () => {
    const facts = withEffort(inDeployment, [[90, T0 + 5 * DAY]], null);
    expect(brief(evaluate(facts, T0 + 6 * DAY).steps)).toEqual([]);
  });

  it('does not fire once the engagement is live', () => {
    const live: Engagement = {
      moves: [...inDeployment.moves, ['production-live', T0 + 8 * DAY]],
      personAtMs: T0 + 9 * DAY,
    };
    expect(brief(evaluate(withEffort(live, [[95, T0 + 9 * DAY]]), T0 + 10 * DAY).steps)).toEqual([]);
  });

  it('lets a policy of your own use burn, and refuses a fact the policies do not know', () => {
    const config = configWith({
      policies: {
        'burn-half': { when: { burn: { atLeast: 0.5, below: 0.8 } }, actions: [{ addLabel: 'burn::half' }] },
      },
    });
    expect(
      brief(evaluate(withEffort(inDeployment, [[60, T0 + 5 * DAY]]), T0 + 6 * DAY, undefined, config).steps),
    ).toEqual(['burn-half labels +burn::half']);
    const unknown = { policies: { mine: { when: { burned: { atLeast: 0.5 } }, actions: [{ addLabel: 'x' }] } } };
    expect(() => configWith(unknown as Parameters<typeof configWith>[0])).toThrow(/burned/);
  });
});
