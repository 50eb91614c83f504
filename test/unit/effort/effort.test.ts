import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import {
  burn,
  burnBucket,
  effortOfLabel,
  effortOverlay,
  withReading,
  type Effort,
} from '../../../src/domain/effort.js';
import { parseOverlay } from '../../../src/domain/overlay.js';
import type { IssueEvent, Transition } from '../../../src/domain/types.js';
import { recordEffort } from '../../../src/engine/effort.js';
import { createGitlabWebhooks } from '../../../src/forges/gitlab/events.js';
import { issueFacts } from '../../../src/metrics/durations/issue-facts.js';
import { issueMetrics } from '../../../src/metrics/durations/issue-metrics.js';
import { metricsSettings } from '../../../src/metrics/durations/settings.js';
import { decide } from '../../../src/rules/index.js';
import type { Delivery } from '../../../src/store/store.js';
import { SOW_REQUEST } from '../../../src/templates/definitions.js';
import { fieldSchema } from '../../../src/templates/field-schemas.js';
import { gitlabIssueHook } from '../../support/payloads.js';

const HOUR = 3600;
const gitlab = createGitlabWebhooks({ secret: 's' });
const config = configSchema.parse({});

function gitlabEvent(body: unknown, id = 'u1'): IssueEvent {
  const classified = gitlab.classify({ 'x-gitlab-event': 'Issue Hook', 'x-gitlab-event-uuid': id }, body);
  if (!('accept' in classified)) throw new Error(`not accepted: ${JSON.stringify(classified)}`);
  const delivery: Delivery = { ...classified.accept, body: JSON.stringify(body), receivedAt: new Date().toISOString() };
  const event = gitlab.normalize(delivery);
  if ('ignored' in event) throw new Error(event.ignored);
  return event;
}

describe('burn', () => {
  const effort = (spent: number | null, estimate: number | null): Effort => ({
    spentSeconds: spent,
    estimateSeconds: estimate,
  });
  it.each([
    ['spent over sold hours', effort(96 * HOUR, 40 * HOUR), 120, 0.8],
    ['spent over the estimate without sold hours', effort(30 * HOUR, 40 * HOUR), null, 0.75],
    ['the estimate when 0 hours were sold', effort(30 * HOUR, 40 * HOUR), 0, 0.75],
    ['none without sold hours or estimate', effort(30 * HOUR, null), null, null],
    ['none without time spent', effort(null, 40 * HOUR), 120, null],
  ])('%s', (_, value, sold, expected) => {
    expect(burn(value, sold)).toBe(expected);
  });

  it.each([
    [null, 'unknown'],
    [0, 'under-50'],
    [0.5, '50-80'],
    [0.79, '50-80'],
    [0.8, '80-100'],
    [1, '80-100'],
    [1.01, 'over-100'],
  ] as const)('puts %s in bucket %s', (value, bucket) => {
    expect(burnBucket(value)).toBe(bucket);
  });

  it('is never negative and spent is never negative, whatever the forge sends', () => {
    const any = fc.oneof(fc.double(), fc.integer({ min: -1e9, max: 1e9 }), fc.constant(null));
    fc.assert(
      fc.property(
        fc.array(fc.record({ spentSeconds: any, estimateSeconds: any }, { requiredKeys: [] }), { maxLength: 8 }),
        fc.option(fc.double({ min: 0, max: 1e6, noNaN: true })),
        (readings, sold) => {
          const last = readings.reduce<Effort>((effort, reading) => withReading(effort, reading as Partial<Effort>), {
            spentSeconds: null,
            estimateSeconds: null,
          });
          expect(last.spentSeconds === null || last.spentSeconds >= 0).toBe(true);
          const value = burn(last, sold);
          expect(value === null || (value >= 0 && Number.isFinite(value))).toBe(true);
        },
      ),
    );
  });

  it('is recorded as an overlay the durations ignore, and read back the same', () => {
    fc.assert(
      fc.property(fc.option(fc.nat()), fc.option(fc.nat()), (spent, estimate) => {
        const overlay = parseOverlay(effortOverlay({ spentSeconds: spent, estimateSeconds: estimate }))!;
        expect(overlay.present).toBe(true);
        expect(effortOfLabel(overlay.label)).toEqual({ spentSeconds: spent, estimateSeconds: estimate });
      }),
    );
  });
});

describe('GitLab time tracking', () => {
  it("reads GitLab's documented Issue Hook: 0 spent and 0 estimated is none", () => {
    expect(gitlabEvent(gitlabIssueHook({ action: 'update' })).effort).toEqual({
      spentSeconds: null,
      estimateSeconds: null,
    });
  });

  it('takes `changes.total_time_spent.current` over `object_attributes.total_time_spent`', () => {
    const hook = gitlabIssueHook({
      action: 'update',
      time: { spent: 5 * HOUR, estimate: 40 * HOUR, logged: 2 * HOUR },
    });
    expect(hook.changes.total_time_spent).toEqual({ previous: 3 * HOUR, current: 5 * HOUR });
    expect(gitlabEvent(hook).effort).toEqual({ spentSeconds: 5 * HOUR, estimateSeconds: 40 * HOUR });
    // A body rendered after a later `/spend` still says which total this change left.
    hook.object_attributes.total_time_spent = 9 * HOUR;
    expect(gitlabEvent(hook).effort?.spentSeconds).toBe(5 * HOUR);
  });

  it('knows nothing of the effort from a hook without time tracking', () => {
    const hook = gitlabIssueHook({ action: 'update' });
    delete hook.object_attributes.total_time_spent;
    delete hook.object_attributes.time_estimate;
    expect(gitlabEvent(hook).effort).toBeUndefined();
  });
});

describe('recorded with history', () => {
  const sow = (time: { spent: number; estimate?: number; logged?: number }, updatedAt: string) =>
    gitlabIssueHook({ action: 'update', labels: ['type::sow-request', 'stage::deployment'], time, updatedAt });

  /** Runs the hooks through the rules and recordEffort like the pipeline; returns every transition recorded. */
  function run(hooks: Record<string, unknown>[]) {
    let state = null as ReturnType<typeof decide>['state'] | null;
    const transitions: Transition[] = [];
    hooks.forEach((hook, n) => {
      const event = gitlabEvent(hook, `u${n}`);
      const decision = decide(event, state, config);
      const recorded = recordEffort(event, decision.state);
      transitions.push(...decision.transitions, ...recorded.transitions);
      state = recorded.state;
    });
    return { transitions, state: state! };
  }

  it('records each change once, as transitions whose history gives the hours logged', () => {
    const { transitions, state } = run([
      sow({ spent: 0, estimate: 40 * HOUR }, '2026-03-02T09:00:00Z'),
      sow({ spent: 4 * HOUR, estimate: 40 * HOUR, logged: 4 * HOUR }, '2026-03-03T17:00:00Z'),
      // The same hook again (an edit that logged nothing) records nothing.
      sow({ spent: 4 * HOUR, estimate: 40 * HOUR }, '2026-03-04T10:00:00Z'),
      sow({ spent: 34 * HOUR, estimate: 40 * HOUR, logged: 30 * HOUR }, '2026-03-10T17:00:00Z'),
    ]);
    const efforts = transitions.filter((t) => t.to.startsWith('+effort:'));
    expect(efforts.map((t) => [t.at, t.to])).toEqual([
      ['2026-03-02T09:00:00.000Z', `+effort::${40 * HOUR}`],
      ['2026-03-03T17:00:00.000Z', `+effort:${4 * HOUR}:${40 * HOUR}`],
      ['2026-03-10T17:00:00.000Z', `+effort:${34 * HOUR}:${40 * HOUR}`],
    ]);
    const settings = metricsSettings(config);
    const metrics = issueMetrics(issueFacts(transitions, [state])[0]!, settings, Date.parse('2026-03-11T00:00:00Z'));
    expect(metrics.effort).toEqual({
      effort: { spentSeconds: 34 * HOUR, estimateSeconds: 40 * HOUR },
      soldHours: null,
      burn: 0.85,
    });
    // Effort changes are no stages: the issue is still in deployment.
    expect(metrics.stage).toBe('deployment');
  });
});

describe('the sold effort in the SOW Request template', () => {
  const sowHours = SOW_REQUEST.fields.find((field) => field.id === 'sow_hours')!;
  const parse = (text: string) => fieldSchema(sowHours, { crmHosts: [] }).safeParse({ text, items: [] });

  it('is optional, a number of hours ≥ 0', () => {
    expect(sowHours).toMatchObject({ type: 'number', min: 0, required: false });
    expect([parse('120'), parse('37.5'), parse('1,200'), parse('0')].map((result) => result.data)).toEqual([
      120, 37.5, 1200, 0,
    ]);
  });

  it.each(['about a hundred', '-5', '12h'])('refuses %j in the house style', (text) => {
    expect(parse(text).error?.issues.map((issue) => issue.message)).toEqual(['must be a number, e.g. 120 or 37.5']);
  });
});
