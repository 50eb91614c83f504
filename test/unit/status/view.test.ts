import { describe, expect, it } from 'vitest';
import type { IssueState } from '../../../src/domain/types.js';
import type { DurationResult, Forecast, IssueReport } from '../../../src/metrics/contract.js';
import { renderStatusPage } from '../../../src/status/render.js';
import { customerName, statusView } from '../../../src/status/view.js';

const DAY = 86_400;
const KPI = { name: 'implementation', targetDays: 30 };
const EXPIRES = new Date('2026-07-15T12:00:00Z');
const ASSETS = { css: '/dashboard/assets/dashboard.css?v=1', icon: '/dashboard/assets/icon.svg?v=1' };

function report(overrides: Partial<IssueReport> = {}): IssueReport {
  return {
    version: 1,
    forge: 'gitlab',
    project: 'ps/engagements',
    iid: 7,
    generatedAt: '2026-06-15T12:00:00.000Z',
    unit: 'seconds',
    kind: 'sow-request',
    segment: 'mm',
    state: 'open',
    stage: 'deployment',
    assignees: ['ie-alex'],
    openSeconds: 40 * DAY,
    lastActivity: null,
    stale: false,
    suggestLost: false,
    timeline: [
      {
        stage: 'unstaged',
        from: '2026-05-01T00:00:00.000Z',
        to: '2026-05-02T00:00:00.000Z',
        seconds: DAY,
        paused: false,
      },
      {
        stage: 'kickoff',
        from: '2026-05-02T00:00:00.000Z',
        to: '2026-05-26T12:00:00.000Z',
        seconds: 24.5 * DAY,
        paused: false,
      },
      {
        stage: 'deployment',
        from: '2026-05-26T12:00:00.000Z',
        to: '2026-06-15T12:00:00.000Z',
        seconds: 20 * DAY,
        paused: false,
      },
    ],
    stageSeconds: {},
    durations: {},
    transitions: [{ from: null, to: 'kickoff', at: '2026-05-02T00:00:00.000Z', actor: 'alice', source: 'webhook' }],
    forecast: null,
    ...overrides,
  };
}

const running: DurationResult = {
  state: 'open',
  start: '2026-05-26T12:00:00.000Z',
  end: null,
  seconds: 20 * DAY,
  activeSeconds: 20 * DAY,
  targetSeconds: 30 * DAY,
  status: 'on-track',
};
const forecast: Forecast = {
  status: 'forecast',
  p50: '2026-06-25',
  p85: '2026-07-03',
  chanceWithinTarget: 0.62,
  targetDays: 30,
  samples: 14,
  basis: 'kind',
};
const state = (fields: unknown): IssueState => ({
  ref: { forge: 'gitlab', project: 'ps/engagements', iid: 7 },
  kind: 'sow-request',
  stage: 'deployment',
  stageBeforeHold: null,
  stageBeforeClose: null,
  labels: ['stage::deployment', 'segment::mm'],
  commentDigest: null,
  segment: 'mm',
  title: 'SOW: internal title',
  createdAt: null,
  closedAt: null,
  updatedAt: '2026-06-01T00:00:00.000Z',
  extra: { fields },
});

describe('statusView', () => {
  it.each([
    ['a customer field', { customer_name: '  Contoso Ltd ' }, 'Contoso Ltd'],
    ['an empty one', { customer_name: ' ' }, null],
    ['no field', {}, null],
    ['fields that are not an object', 'x', null],
  ])('reads the customer from %s', (_name, fields, expected) => {
    expect(customerName(state(fields))).toBe(expected);
  });

  it.each([
    ['not started', {}, null, { state: 'not-started', days: null }, null],
    [
      'running, with a forecast',
      { implementation: running },
      forecast,
      { state: 'open', days: 20, status: 'on-track' },
      { p50: '2026-06-25', p85: '2026-07-03', chanceWithinTarget: 0.62 },
    ],
    [
      'running, too little history',
      { implementation: running },
      { status: 'too-little-history', samples: 3, minimumHistory: 10 } as Forecast,
      { state: 'open' },
      { tooLittleHistory: true },
    ],
    [
      'finished: no forecast even if the report has one',
      {
        implementation: {
          ...running,
          state: 'finished',
          end: '2026-06-10T00:00:00.000Z',
          seconds: 14.5 * DAY,
          status: 'met',
        } as DurationResult,
      },
      forecast,
      { state: 'finished', days: 14.5, status: 'met', end: '2026-06-10T00:00:00.000Z' },
      null,
    ],
  ])('implementation %s', (_name, durations, given, implementation, expected) => {
    const view = statusView({
      report: report({ durations, forecast: given }),
      state: null,
      kpi: KPI,
      expiresAt: EXPIRES,
    });
    expect(view.implementation).toMatchObject({ name: 'implementation', targetDays: 30, ...implementation });
    expect(view.forecast).toEqual(expected);
  });

  it('lists the stage visits without the time before any stage, the running one open-ended', () => {
    const view = statusView({ report: report(), state: null, kpi: KPI, expiresAt: EXPIRES });
    expect(view.timeline).toEqual([
      { stage: 'kickoff', from: '2026-05-02T00:00:00.000Z', to: '2026-05-26T12:00:00.000Z', days: 24.5 },
      { stage: 'deployment', from: '2026-05-26T12:00:00.000Z', to: null, days: 20 },
    ]);
    const closed = statusView({ report: report({ state: 'closed' }), state: null, kpi: KPI, expiresAt: EXPIRES });
    expect(closed.timeline.at(-1)?.to).toBe('2026-06-15T12:00:00.000Z');
  });

  it('renders nothing of the report beyond the view: no labels, assignees, actors, title or reference', () => {
    const page = renderStatusPage(
      statusView({
        report: report({ durations: { implementation: running }, forecast }),
        state: state({ customer_name: 'Contoso <Ltd>' }),
        kpi: KPI,
        expiresAt: EXPIRES,
      }),
      ASSETS,
    );
    expect(page).toContain('<h1>Contoso &lt;Ltd&gt; <span>engagement status</span></h1>');
    for (const absent of [
      'ie-alex',
      'alice',
      'segment::',
      'stage::',
      'internal title',
      'ps/engagements',
      '#7',
      '<script',
    ])
      expect(page).not.toContain(absent);
  });
});
