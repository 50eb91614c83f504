import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, type ConfigInput } from '../../../../src/config/schema.js';
import { metricsRoutes } from '../../../../src/http/metrics.js';
import type { IssueReport, MetricsReport } from '../../../../src/metrics/contract.js';
import type { SqliteStore } from '../../../../src/store/sqlite.js';
import { DAY, finished, stateOf, storeWith, T0, type Engagement } from './support.js';

/** Twelve finished implementations, two running (one 40 days in: breached), and who is assigned. */
const ENGAGEMENTS: Engagement[] = [
  ...Array.from({ length: 12 }, (_, k) => finished(k + 1, 8 * k, 6 + k, 5)),
  { iid: 50, stages: [['deployment', 130]] },
  {
    iid: 51,
    stages: [
      ['deployment', 100],
      ['configuration', 125],
    ],
  },
];
const ASSIGNEES: Record<number, string[]> = {
  1: ['alice'],
  2: ['alice', 'bob'],
  3: ['bob'],
  50: ['alice'],
  51: ['bob'],
};
const NOW = T0 + 140 * DAY;

const state = (iid: number) => stateOf(iid, NOW, { assignees: ASSIGNEES[iid] ?? [] });

describe('forecasts and assignees on /metrics', () => {
  let store: SqliteStore;
  let app: FastifyInstance;

  async function start(config: ConfigInput = {}) {
    app = Fastify();
    await app.register(metricsRoutes, {
      store,
      config: configSchema.parse({
        ...config,
        durations: { cacheSeconds: 0 },
        forecast: { draws: 2_000, ...config.forecast },
      }),
      now: () => new Date(NOW),
    });
  }

  beforeEach(async () => {
    store = await storeWith(ENGAGEMENTS, state);
  });
  afterEach(async () => {
    await app.close();
    await store.close();
  });

  const get = (url: string) => app.inject({ method: 'GET', url });
  const json = async <T>(url: string) => (await get(url)).json<T>();

  it('gives every open engagement a forecast with ISO dates, chance and sample size, and counts them by bucket', async () => {
    await start();
    const report = await json<MetricsReport>('/metrics');
    const byIid = new Map(report.kpi.open.map((row) => [row.iid, row]));
    expect(byIid.get(50)!.forecast).toMatchObject({
      status: 'forecast',
      targetDays: 30,
      samples: 12,
      basis: 'kind-and-segment',
    });
    expect(byIid.get(51)!.forecast).toMatchObject({ status: 'forecast', chanceWithinTarget: 0 });
    const recent = byIid.get(50)!.forecast!;
    if (recent.status !== 'forecast') throw new Error('expected a forecast');
    expect(recent.p50 >= '2026-05-21' && recent.p50 <= recent.p85).toBe(true);
    expect(report.forecast).toEqual({
      minimumHistory: 10,
      draws: 2_000,
      byBucket: { likely: 1, uncertain: 0, unlikely: 1, 'no-target': 0, 'too-little-history': 0 },
    });
    expect(byIid.get(50)!.assignees).toEqual(['alice']);
  });

  it('says "too little history" below the configured minimum, in JSON and in the Prometheus buckets', async () => {
    await start({ forecast: { minimumHistory: 13 } });
    const report = await json<MetricsReport>('/metrics');
    expect(report.kpi.open.map((row) => row.forecast)).toEqual([
      { status: 'too-little-history', samples: 12, minimumHistory: 13 },
      { status: 'too-little-history', samples: 12, minimumHistory: 13 },
    ]);
    const text = (await get('/metrics?format=prometheus')).body;
    expect(text).toContain('boardkeeper_forecast_open_engagements{bucket="too-little-history"} 2');
    expect(text).toContain('boardkeeper_forecast_open_engagements{bucket="likely"} 0');
  });

  it('puts the forecast on the issue view, from the snapshot', async () => {
    await start();
    const report = await json<MetricsReport>('/metrics');
    const open = await json<IssueReport>('/metrics/issues/gitlab/ps/50');
    expect(open.forecast).toEqual(report.kpi.open.find((row) => row.iid === 50)!.forecast);
    expect(open.assignees).toEqual(['alice']);
    expect((await json<IssueReport>('/metrics/issues/gitlab/ps/1')).forecast).toBeNull();
  });

  it('aggregates per assignee and filters by assignee', async () => {
    await start();
    const report = await json<MetricsReport>('/metrics');
    expect(report.byAssignee).toEqual([
      // alice: #50 open (on track), #1 and #2 finished in 11 and 12 days.
      { assignee: 'alice', open: 1, atRisk: 0, breached: 0, finished: 2, finishedMedian: 11.5 * 86_400 },
      // bob: #51 open and breached, #2 and #3 finished in 12 and 13 days.
      { assignee: 'bob', open: 1, atRisk: 0, breached: 1, finished: 2, finishedMedian: 12.5 * 86_400 },
    ]);
    const bob = await json<MetricsReport>('/metrics?assignee=bob');
    expect(bob.issues.total).toBe(3);
    expect(bob.filter).toEqual({ assignee: 'bob' });
    expect((await json<MetricsReport>('/metrics?assignee=nobody')).issues.total).toBe(0);
    const bad = await get('/metrics?assignee=%3Cscript%3E');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ parameter: 'assignee' });
  });

  it('has assignee and forecast columns in the CSV', async () => {
    await start();
    const report = await json<MetricsReport>('/metrics');
    const [header, ...rows] = (await get('/metrics?format=csv')).body
      .trim()
      .split('\r\n')
      .map((line) => line.split(','));
    const column = (name: string) => header!.indexOf(name);
    expect(header!.slice(-10, -4)).toEqual([
      'assignees',
      'forecast_status',
      'forecast_p50',
      'forecast_p85',
      'forecast_chance_within_target',
      'forecast_samples',
    ]);
    const row = rows.find((cells) => cells[column('iid')] === '50')!;
    const forecast = report.kpi.open.find((r) => r.iid === 50)!.forecast!;
    if (forecast.status !== 'forecast') throw new Error('expected a forecast');
    expect([
      row[column('assignees')],
      row[column('forecast_p50')],
      row[column('forecast_p85')],
      row[column('forecast_samples')],
    ]).toEqual(['alice', forecast.p50, forecast.p85, '12']);
    expect(rows.find((cells) => cells[column('iid')] === '2')![column('assignees')]).toBe('alice bob');
    expect(rows.find((cells) => cells[column('iid')] === '2')![column('forecast_status')]).toBe('');
  });
});
