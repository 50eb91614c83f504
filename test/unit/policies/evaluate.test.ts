import { describe, expect, it } from 'vitest';
import { SLA_MARKER, SUGGEST_LOST_MARKER } from '../../../src/policies/defaults.js';
import { applyLabels, brief, configWith, DAY, evaluate, issue, T0, withLabels, type Engagement } from './board.js';

/** In deployment since T0 (a Monday), after a sales stage and sow-signed before it; people busy on it until day 20. */
const inDeployment = (extra: Partial<Engagement> = {}): Engagement => ({
  moves: [
    ['intake', T0 - 20 * DAY],
    ['sow-signed', T0 - 5 * DAY],
    ['deployment', T0],
  ],
  personAtMs: T0 + 20 * DAY,
  ...extra,
});

const commentOf = (steps: ReturnType<typeof evaluate>['steps']) =>
  steps.find((s) => s.type === 'comment') as { body: string } | undefined;

describe('shipped policies, one sweep at a time', () => {
  const cases: {
    name: string;
    engagement: Engagement;
    atDays: number;
    fired?: Record<string, string>;
    steps: string[];
  }[] = [
    { name: 'on track at day 20: nothing', engagement: inDeployment(), atDays: 20, steps: [] },
    {
      name: 'day 22 of implementation: at risk (label, comment, alert)',
      engagement: inDeployment(),
      atDays: 22,
      steps: [
        'implementation-at-risk labels +sla::at-risk',
        `implementation-at-risk comment ${SLA_MARKER}`,
        'implementation-at-risk alert at-risk',
      ],
    },
    {
      name: 'day 31 after at risk: breached replaces at risk, same comment marker',
      engagement: inDeployment({ labels: ['sla::at-risk'] }),
      atDays: 31,
      fired: { 'implementation-at-risk': 'earlier' },
      steps: [
        'implementation-breached labels +sla::breached -sla::at-risk',
        `implementation-breached comment ${SLA_MARKER}`,
        'implementation-breached alert breached',
      ],
    },
    {
      name: 'first sweep already past day 30: breached alone, never at risk first',
      engagement: inDeployment(),
      atDays: 35,
      steps: [
        'implementation-breached labels +sla::breached',
        `implementation-breached comment ${SLA_MARKER}`,
        'implementation-breached alert breached',
      ],
    },
    {
      name: 'production live with sla::breached: the SLA labels go',
      engagement: inDeployment({
        moves: [...inDeployment().moves, ['production-live', T0 + 33 * DAY]],
        labels: ['sla::breached'],
      }),
      atDays: 34,
      fired: { 'implementation-breached': 'earlier' },
      steps: ['implementation-sla-cleared labels -sla::breached'],
    },
    {
      name: 'moved back out of the implementation path: the SLA labels go',
      engagement: inDeployment({
        moves: [...inDeployment().moves, ['design-validation', T0 + 23 * DAY]],
        labels: ['sla::at-risk'],
      }),
      atDays: 24,
      fired: { 'implementation-at-risk': 'earlier' },
      steps: ['implementation-sla-cleared labels -sla::at-risk'],
    },
    {
      // The property-test counterexample: live after the target (a finished, breached clock), then put on hold.
      name: 'went live late, then back on hold: no breach (the clock stopped), and nothing to clear',
      engagement: inDeployment({
        moves: [...inDeployment().moves, ['production-live', T0 + 30 * DAY + 1], ['on-hold', T0 + 30.1 * DAY + 1]],
      }),
      atDays: 30.1,
      steps: [],
    },
    {
      // Memory lost (the retry after a crash): the breach must not act again against the clearing.
      name: 'went live late with sla::breached, then back on hold, nothing remembered: only the SLA labels go',
      engagement: inDeployment({
        moves: [...inDeployment().moves, ['production-live', T0 + 31 * DAY], ['on-hold', T0 + 32 * DAY]],
        labels: ['sla::breached'],
      }),
      atDays: 33,
      steps: ['implementation-sla-cleared labels -sla::breached'],
    },
    {
      name: 'closed while at risk: the SLA labels go',
      engagement: inDeployment({ labels: ['sla::at-risk'], closedAtMs: T0 + 23 * DAY }),
      atDays: 24,
      fired: { 'implementation-at-risk': 'earlier' },
      steps: ['implementation-sla-cleared labels -sla::at-risk'],
    },
    {
      name: 'no person for 30 days in a delivery stage: stale',
      engagement: {
        moves: [
          ['intake', T0 - 5 * DAY],
          ['kickoff', T0],
        ],
      },
      atDays: 31,
      steps: ['stale labels +stale', 'stale alert stale'],
    },
    {
      name: 'a finished initiative left open is not stale',
      engagement: {
        moves: [
          ['proposed', T0 - 5 * DAY],
          ['done', T0],
        ],
        kind: 'strategic-initiative',
      },
      atDays: 45,
      steps: [],
    },
    {
      name: 'a person acted since: stale is removed',
      engagement: {
        moves: [
          ['intake', T0 - 5 * DAY],
          ['kickoff', T0],
        ],
        labels: ['stale'],
        personAtMs: T0 + 40 * DAY,
      },
      atDays: 41,
      fired: { stale: 'earlier' },
      steps: ['stale labels -stale'],
    },
    {
      name: '61 days idle in a sales stage: one comment suggesting lost, and stale already acted',
      engagement: {
        moves: [
          ['intake', T0 - 5 * DAY],
          ['estimate', T0],
        ],
        labels: ['stale'],
      },
      atDays: 61,
      fired: { stale: 'earlier' },
      steps: [`suggest-lost comment ${SUGGEST_LOST_MARKER}`, 'suggest-lost alert suggest-lost'],
    },
  ];

  it.each(cases)('$name', ({ engagement, atDays, fired, steps }) => {
    const result = evaluate(issue(engagement), T0 + atDays * DAY, { fired: fired ?? {} });
    expect(brief(result.steps)).toEqual(steps);
  });

  it('never closes or moves anything: suggest-lost only comments', () => {
    const result = evaluate(issue({ moves: [['estimate', T0]] }), T0 + 90 * DAY);
    expect(result.steps.map((s) => s.type)).not.toContain('close');
    expect(commentOf(result.steps)?.body).toMatch(/no activity for 90 days in `estimate`.*outcome::lost/s);
  });
});

describe('the at-risk comment', () => {
  it('mentions the assignees and says the days elapsed and left', () => {
    const result = evaluate(issue(inDeployment({ assignees: ['ie-priya', '@ie-sam'] })), T0 + 22 * DAY + 3_600_000);
    const body = commentOf(result.steps)!.body;
    expect(body.startsWith(`${SLA_MARKER}\n@ie-priya @ie-sam `)).toBe(true);
    expect(body).toContain('day 22 of the 30-day target, 8 days left');
  });

  it('mentions nobody when the state knows no assignees, and leaves no blank line without a forecast', () => {
    const body = commentOf(evaluate(issue(inDeployment()), T0 + 22 * DAY).steps)!.body;
    expect(body).not.toContain('@');
    expect(body.endsWith('\n')).toBe(false);
    expect(body.split('\n')).toHaveLength(2);
  });

  it('carries the go-live forecast when there is one', () => {
    const result = evaluate(
      issue(inDeployment()),
      T0 + 22 * DAY,
      undefined,
      undefined,
      'Forecast: live by 2026-04-06 (p80).',
    );
    expect(commentOf(result.steps)!.body.split('\n').at(-1)).toBe('Forecast: live by 2026-04-06 (p80).');
  });

  it('tells whether a step shows the forecast, so the caller simulates only then; the steps do not depend on it', () => {
    const atRisk = issue(inDeployment());
    const without = evaluate(atRisk, T0 + 22 * DAY);
    const withForecast = evaluate(atRisk, T0 + 22 * DAY, undefined, undefined, 'Go-live forecast: P50 2026-04-06');
    expect(without.showsForecast).toBe(true);
    expect(brief(withForecast.steps)).toEqual(brief(without.steps));
    expect(withForecast.memory).toEqual(without.memory);
    expect(evaluate(atRisk, T0 + 22 * DAY, without.memory).showsForecast).toBe(false);
    expect(evaluate(issue({ moves: [['kickoff', T0]] }), T0 + 31 * DAY).showsForecast).toBe(false);
  });

  it('a policy whose texts do not use {forecast} needs none; one whose alert summary does, does', () => {
    const plain = configWith({
      policies: {
        'implementation-at-risk': {
          actions: [{ comment: { marker: SLA_MARKER, body: 'day {elapsedDays}' } }, { alert: 'at-risk' }],
        },
      },
    });
    expect(evaluate(issue(inDeployment()), T0 + 22 * DAY, undefined, plain).showsForecast).toBe(false);
    const summary = configWith({
      policies: { 'implementation-at-risk': { actions: [{ alert: 'at-risk', summary: '{title}: {forecast}' }] } },
    });
    expect(evaluate(issue(inDeployment()), T0 + 22 * DAY, undefined, summary).showsForecast).toBe(true);
  });

  it('says how far past the target a breach is', () => {
    const body = commentOf(evaluate(issue(inDeployment()), T0 + 33 * DAY + 3_600_000).steps)!.body;
    expect(body).toContain('day 33, 3 days past the 30-day target');
  });
});

describe('the alert', () => {
  it('names the issue with its page on the forge, as its webhook gave it', () => {
    const subject = issue(inDeployment());
    const known = {
      ...subject,
      state: {
        ...subject.state!,
        extra: { ...subject.state!.extra, webUrl: 'https://gitlab.example.com/ps/board/-/issues/7' },
      },
    };
    const alert = evaluate(known, T0 + 22 * DAY).steps.find((s) => s.type === 'alert');
    expect(alert?.type === 'alert' && alert.alert.issue).toEqual({
      forge: 'gitlab',
      project: '42',
      iid: 7,
      url: 'https://gitlab.example.com/ps/board/-/issues/7',
      title: 'SOW: Initech',
    });
  });
});

describe('policies are data', () => {
  it('switches a shipped policy off', () => {
    const config = configWith({ policies: { stale: { enabled: false } } });
    const result = evaluate(issue({ moves: [['kickoff', T0]] }), T0 + 31 * DAY, undefined, config);
    expect(brief(result.steps)).toEqual([]);
  });

  it('overrides a shipped policy field by field (at-risk without an alert)', () => {
    const config = configWith({ policies: { 'implementation-at-risk': { actions: [{ addLabel: 'sla::at-risk' }] } } });
    expect(brief(evaluate(issue(inDeployment()), T0 + 22 * DAY, undefined, config).steps)).toEqual([
      'implementation-at-risk labels +sla::at-risk',
    ]);
  });

  it('runs a policy of its own: elapsed days of another duration, kind, labels present and absent', () => {
    const config = configWith({
      policies: {
        'kickoff-late': {
          when: {
            duration: 'delivery_lead_time',
            elapsedDays: { atLeast: 14 },
            kind: ['sow-request'],
            labelsPresent: ['segment::enterprise'],
            labelsAbsent: ['escalated'],
          },
          actions: [
            { addLabel: 'escalated' },
            { alert: 'at-risk', summary: '{title}: no kickoff after {elapsedDays} days' },
          ],
        },
      },
    });
    const waiting = issue({ moves: [['sow-signed', T0]], labels: ['segment::enterprise'] });
    const result = evaluate(waiting, T0 + 15 * DAY, undefined, config);
    expect(brief(result.steps)).toEqual(['kickoff-late labels +escalated', 'kickoff-late alert at-risk']);
    const alert = result.steps.find((s) => s.type === 'alert');
    expect(alert?.type === 'alert' && alert.alert.summary).toBe('SOW: Initech: no kickoff after 15 days');
    expect(
      brief(
        evaluate(withLabels(waiting, ['segment::enterprise', 'escalated']), T0 + 15 * DAY, undefined, config).steps,
      ),
    ).toEqual([]);
  });

  it('rejects a policy of its own without `when` or `actions`, naming it', () => {
    expect(() => configWith({ policies: { mine: { actions: [{ addLabel: 'x' }] } } })).toThrow(/mine.*when/s);
  });

  it('names a policy whose duration does not exist', () => {
    const config = configWith({
      policies: { mine: { when: { duration: 'nope', running: true }, actions: [{ addLabel: 'x' }] } },
    });
    expect(() => evaluate(issue(inDeployment()), T0, undefined, config)).toThrow(
      'policies.mine: no duration definition is named "nope"',
    );
  });

  it('names a policy whose stage no board has, even inside `any` / `not` (it would never match)', () => {
    const when = { any: [{ stage: ['deployment'] }, { not: { stage: ['deploymnet'] } }] };
    const config = configWith({ policies: { mine: { when, actions: [{ addLabel: 'x' }] } } });
    expect(() => evaluate(issue(inDeployment()), T0, undefined, config)).toThrow(
      'policies.mine: no board has a stage "deploymnet"',
    );
    const fine = configWith({
      policies: { mine: { when: { stage: ['on-hold', 'closed', 'in-progress'] }, actions: [{ addLabel: 'x' }] } },
    });
    expect(() => evaluate(issue(inDeployment()), T0, undefined, fine)).not.toThrow();
  });
});

describe('business days and holidays, as the durations count them', () => {
  const business = (holidays: string[] = []) => configWith({ durations: { businessDays: true, holidays } });
  // 21 business days after Monday 2026-03-02 00:00 end on Tuesday 2026-03-31 00:00 (four weeks and a day).
  it.each([
    { at: '2026-03-30T12:00:00Z', holidays: [], atRisk: false },
    { at: '2026-03-31T12:00:00Z', holidays: [], atRisk: true },
    { at: '2026-03-31T12:00:00Z', holidays: ['2026-03-10'], atRisk: false },
    { at: '2026-04-01T12:00:00Z', holidays: ['2026-03-10'], atRisk: true },
  ])('at $at with holidays $holidays: at risk $atRisk', ({ at, holidays, atRisk }) => {
    const steps = evaluate(issue(inDeployment()), Date.parse(at), undefined, business(holidays)).steps;
    expect(steps.some((s) => s.policy === 'implementation-at-risk')).toBe(atRisk);
  });
});

describe('idle time', () => {
  it('is counted from a person’s last change, not from the bot’s own (updatedAt moves with every echo)', () => {
    const subject = issue({ moves: [['kickoff', T0]] });
    expect(subject.state!.updatedAt > new Date(T0).toISOString()).toBe(true);
    expect(brief(evaluate(subject, T0 + 30.5 * DAY).steps)).toContain('stale labels +stale');
  });

  it('a sweep applies and forgets nothing: the labels after the steps are what the policies asked for', () => {
    const first = evaluate(issue(inDeployment()), T0 + 22 * DAY);
    expect(applyLabels([], first.steps)).toEqual(['sla::at-risk']);
  });
});
