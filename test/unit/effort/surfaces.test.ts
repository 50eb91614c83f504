import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { effortOverlay } from '../../../src/domain/effort.js';
import type { Transition } from '../../../src/domain/types.js';
import { dashboardRoutes } from '../../../src/http/dashboard.js';
import { metricsRoutes } from '../../../src/http/metrics.js';
import type { IssueReport, MetricsReport } from '../../../src/metrics/contract.js';
import type { SqliteStore } from '../../../src/store/sqlite.js';
import { DAY, stateOf, storeWith, T0, type Engagement } from '../metrics/forecast/support.js';

const HOUR = 3600;
const NOW = T0 + 60 * DAY;
/** Three running implementations: #1 sold 100 h, #2 estimated 40 h and nothing sold, #3 neither. */
const ENGAGEMENTS: Engagement[] = [1, 2, 3].map((iid) => ({ iid, stages: [['deployment', 10]] }));
const SOLD: Record<number, string> = { 1: '100' };

function logged(iid: number, day: number, spent: number, estimate: number | null = null): Transition {
  return {
    forge: 'gitlab',
    project: 'ps',
    iid,
    from: null,
    to: effortOverlay({ spentSeconds: spent * HOUR, estimateSeconds: estimate === null ? null : estimate * HOUR }),
    at: new Date(T0 + day * DAY).toISOString(),
    actor: 'ie',
    source: 'webhook',
    kind: 'sow-request',
    segment: 'mm',
  };
}

describe('effort and burn on /metrics and the dashboard', () => {
  let store: SqliteStore;
  let app: FastifyInstance;

  beforeEach(async () => {
    store = await storeWith(ENGAGEMENTS, (iid) =>
      stateOf(iid, NOW, { extra: SOLD[iid] ? { fields: { sow_hours: SOLD[iid]! } } : {} }),
    );
    await store.recordTransitions([logged(1, 20, 30), logged(1, 27, 85), logged(2, 21, 10, 40), logged(3, 22, 5)]);
    app = Fastify();
    const config = configSchema.parse({ durations: { cacheSeconds: 0 }, forecast: { draws: 500 } });
    await app.register(metricsRoutes, { store, config, now: () => new Date(NOW) });
    await app.register(dashboardRoutes, { store, config, now: () => new Date(NOW) });
  });
  afterEach(async () => {
    await app.close();
    await store.close();
  });

  const get = (url: string) => app.inject({ method: 'GET', url });

  it('gives each open engagement its burn and counts them by bucket, not per issue', async () => {
    const report = (await get('/metrics')).json<MetricsReport>();
    expect(Object.fromEntries(report.kpi.open.map((row) => [row.iid, row.burn]))).toEqual({
      1: 0.85,
      2: 0.25,
      3: null,
    });
    expect(report.effort).toEqual({
      spentHours: 100,
      byBurn: { 'under-50': 1, '50-80': 0, '80-100': 1, 'over-100': 0, unknown: 1 },
    });
    const text = (await get('/metrics?format=prometheus')).body;
    expect(text).toContain('boardkeeper_burn_open_engagements{bucket="80-100"} 1');
    expect(text).toContain('boardkeeper_burn_open_engagements{bucket="unknown"} 1');
    expect(text).not.toMatch(/burn[^\n]*iid=/);
  });

  it('answers per issue with spent, estimated and sold hours, burn and the history of logged time', async () => {
    const issue = (await get('/metrics/issues/gitlab/ps/1')).json<IssueReport>();
    expect(issue).toMatchObject({ spentHours: 85, estimateHours: null, soldHours: 100, burn: 0.85 });
    expect(issue.effortHistory).toEqual([
      { at: new Date(T0 + 20 * DAY).toISOString(), spentHours: 30, estimateHours: null },
      { at: new Date(T0 + 27 * DAY).toISOString(), spentHours: 85, estimateHours: null },
    ]);
    // Effort is no stage: the issue has been in deployment throughout.
    expect(new Set(issue.timeline.map((segment) => segment.stage))).toEqual(new Set(['deployment']));
    expect(issue.stageSeconds).toEqual({ deployment: 50 * 86_400 });
  });

  it('ends the CSV with spent, estimated, sold hours and burn', async () => {
    const [header, ...rows] = (await get('/metrics?format=csv')).body
      .trim()
      .split('\r\n')
      .map((line) => line.split(','));
    expect(header!.slice(-4)).toEqual(['spent_hours', 'estimate_hours', 'sold_hours', 'burn']);
    expect(rows.map((row) => row.slice(-4))).toEqual([
      ['85', '', '100', '0.85'],
      ['10', '40', '', '0.25'],
      ['5', '', '', ''],
    ]);
  });

  it("shows burn in the dashboard's open-engagements table", async () => {
    const page = (await get('/dashboard')).body;
    expect(page).toContain('<th scope="col">Burn</th>');
    expect(page).toContain('<td data-label="burn">85 %</td>');
    expect(page).toContain('<td data-label="burn">—</td>');
  });
});
