import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { configSchema, type ConfigInput } from '../../../src/config/schema.js';
import { metricsRoutes } from '../../../src/http/metrics.js';
import { computeIssues } from '../../../src/metrics/durations/issue-metrics.js';
import { issueFacts } from '../../../src/metrics/durations/issue-facts.js';
import { forecastEngagement, forecastHistory } from '../../../src/metrics/forecast/engagement.js';
import { describeForecast } from '../../../src/metrics/forecast/report.js';
import { forecastOfIssue } from '../../../src/metrics/table/issue-forecast.js';
import { buildTable } from '../../../src/metrics/table/table.js';
import type { IssueReport } from '../../../src/metrics/contract.js';
import { SLA_MARKER } from '../../../src/policies/defaults.js';
import type { SqliteStore } from '../../../src/store/sqlite.js';
import { sweepForecasts } from '../../../src/sweep/forecast.js';
import { runSweep } from '../../../src/sweep/run.js';
import {
  DAY,
  finished,
  settingsWith,
  stateOf,
  storeWith,
  T0,
  transitionsOf,
  type Engagement,
} from '../metrics/forecast/support.js';
import { recordingAlerter, recordingForge } from './fake-forge.js';

// Counted, not replaced: the sweep must simulate only for the comments that show a forecast.
vi.mock('../../../src/metrics/forecast/engagement.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src/metrics/forecast/engagement.js')>();
  return {
    ...original,
    forecastHistory: vi.fn(original.forecastHistory),
    forecastEngagement: vi.fn(original.forecastEngagement),
  };
});

const NOW = T0 + 140 * DAY;
/** Twelve finished implementations, then running ones 25 days in (at risk), 40 days in (breached) and 5 days in (on track). */
const ENGAGEMENTS: Engagement[] = [
  ...Array.from({ length: 12 }, (_, k) => finished(k + 1, 8 * k, 6 + k, 2 + ((5 * k) % 7))),
  {
    iid: 50,
    stages: [
      ['kickoff', 110],
      ['deployment', 115],
    ],
  },
  {
    iid: 51,
    stages: [
      ['kickoff', 95],
      ['deployment', 100],
    ],
  },
  {
    iid: 52,
    stages: [
      ['kickoff', 130],
      ['deployment', 135],
    ],
  },
];
const AT_RISK = { forge: 'gitlab' as const, project: 'ps', iid: 50 };
const key = (iid: number) => `gitlab:ps#${iid}`;

/** People were busy on every engagement yesterday: nothing is stale. */
const state = (iid: number) =>
  stateOf(iid, NOW, { extra: { activity: { personAt: new Date(NOW - DAY).toISOString() } } });

const configWith = (forecast: ConfigInput['forecast'] = {}) =>
  configSchema.parse({ durations: { cacheSeconds: 0 }, forecast: { draws: 2_000, ...forecast } });

describe('the sweep’s comments carry the go-live forecast', () => {
  let store: SqliteStore;

  beforeEach(async () => {
    vi.clearAllMocks();
    store = await storeWith(ENGAGEMENTS, state);
  });
  afterEach(async () => {
    await store.close();
  });

  async function sweep(config = configWith()) {
    const forge = recordingForge();
    const report = await runSweep({
      config,
      store,
      clients: { gitlab: forge.client, github: null },
      alerter: recordingAlerter(),
      holder: 'test',
      now: () => new Date(NOW),
    });
    return { forge, report: report! };
  }

  /** The forecast /metrics gives the issue at the same instant, as the comment's line. */
  async function metricsLine(config = configWith()): Promise<string> {
    const app = Fastify();
    try {
      await app.register(metricsRoutes, { store, config, now: () => new Date(NOW) });
      const issue = (await app.inject({ method: 'GET', url: '/metrics/issues/gitlab/ps/50' })).json<IssueReport>();
      return `Go-live forecast: ${describeForecast(issue.forecast!)}`;
    } finally {
      await app.close();
    }
  }

  it('the at-risk comment says P50, P85 and the chance, the same as /metrics at the same instant', async () => {
    const { forge } = await sweep();
    const comment = forge.comments.get(key(50))!.get(SLA_MARKER)!;
    const line = comment.split('\n').at(-1)!;
    expect(line).toMatch(
      /^Go-live forecast: P50 \d{4}-\d\d-\d\d, P85 \d{4}-\d\d-\d\d, \d+ % chance within 30 days \(from 12 past engagements\)$/,
    );
    expect(line).toBe(await metricsLine());
    expect(forge.comments.get(key(51))!.get(SLA_MARKER)).toContain('Go-live forecast: P50 ');
  });

  it('says "too little history" below forecast.minimumHistory', async () => {
    const config = configWith({ minimumHistory: 13 });
    const { forge } = await sweep(config);
    const line = forge.comments.get(key(50))!.get(SLA_MARKER)!.split('\n').at(-1);
    expect(line).toBe('Go-live forecast: too little history for a forecast (12 of 13 finished engagements needed)');
    expect(line).toBe(await metricsLine(config));
  });

  it('builds the history once per sweep, forecasts only the issues it comments on, and nothing when it has nothing to do', async () => {
    const first = await sweep();
    expect(first.report.rows.filter((row) => row.action === `comment ${SLA_MARKER}`).map((row) => row.issue)).toEqual([
      key(50),
      key(51),
    ]);
    expect(vi.mocked(forecastHistory)).toHaveBeenCalledTimes(1);
    expect(vi.mocked(forecastEngagement).mock.calls.map(([, issue]) => issue.id.iid)).toEqual([50, 51]);
    vi.clearAllMocks();
    const quiet = await sweep();
    expect(quiet.report.rows).toEqual([]);
    expect(vi.mocked(forecastHistory)).not.toHaveBeenCalled();
    expect(vi.mocked(forecastEngagement)).not.toHaveBeenCalled();
  });
});

describe('sweepForecasts', () => {
  it('learns from the issues in the metrics table’s row order, whatever order they come in', () => {
    const settings = settingsWith();
    const facts = issueFacts(ENGAGEMENTS.flatMap(transitionsOf), []);
    const table = buildTable(computeIssues(facts, settings, NOW), settings, NOW);
    const expected = `Go-live forecast: ${describeForecast(forecastOfIssue(table, AT_RISK, settings)!)}`;
    const atRisk = facts.find((f) => f.id.iid === AT_RISK.iid)!;
    expect(sweepForecasts([...facts].reverse(), settings, NOW)(atRisk)).toBe(expected);
  });

  it('has no line for an issue whose KPI duration is not running', () => {
    const settings = settingsWith();
    const facts = issueFacts(ENGAGEMENTS.flatMap(transitionsOf), []);
    expect(sweepForecasts(facts, settings, NOW)(facts.find((f) => f.id.iid === 1)!)).toBeNull();
  });
});
