import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, type ConfigInput } from '../../../src/config/schema.js';
import { metricsRoutes } from '../../../src/http/metrics.js';
import type { MetricsReport } from '../../../src/metrics/contract.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { A, B_AS_DELIVERED, C, NOW, state } from './ledger.js';

describe('GET /metrics', () => {
  let store: SqliteStore;
  let app: FastifyInstance;
  let nowMs: number;

  async function start(config: ConfigInput = {}) {
    app = Fastify();
    await app.register(metricsRoutes, {
      store,
      config: configSchema.parse({ ...config, durations: { cacheSeconds: 0, ...config.durations } }),
      now: () => new Date(nowMs),
    });
  }

  beforeEach(async () => {
    nowMs = NOW;
    store = new SqliteStore({ path: ':memory:' });
    await store.migrate();
    await store.recordTransitions([...A, ...B_AS_DELIVERED, ...C]);
    await store.putIssueState(
      state('github', 'acme/web', 7, { labels: ['segment::mm', 'escalated'], kind: 'implementation', segment: 'mm' }),
    );
  });
  afterEach(async () => {
    await app.close();
    await store.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

  it('answers JSON by default with the ledger durations', async () => {
    await start();
    const response = await get('/metrics');
    expect(response.statusCode).toBe(200);
    const report = response.json<MetricsReport>();
    const implementation = report.durations.find((d) => d.name === 'implementation')!;
    expect(implementation.finished.median).toBe(1_837_815);
    expect(implementation.open.elapsed.max).toBe(2_073_600);
    expect(report.issues.total).toBe(3);
  });

  it.each([
    ['kind=implementation', { total: 2, open: 1, closed: 1 }],
    ['state=open', { total: 1, open: 1, closed: 0 }],
    ['stage=closed', { total: 2, open: 0, closed: 2 }],
    ['segment=smb', { total: 1, open: 0, closed: 1 }],
    ['label=escalated', { total: 1, open: 1, closed: 0 }],
    ['from=2026-03-01&to=2026-03-31', { total: 1, open: 1, closed: 0 }],
    ['to=2026-03-02', { total: 2, open: 1, closed: 1 }],
  ])('filters by %s', async (query, issues) => {
    await start();
    const report = (await get(`/metrics?${query}`)).json<MetricsReport>();
    expect(report.issues).toMatchObject(issues);
  });

  it.each([
    ['stage=nowhere', 'stage'],
    ['state=pending', 'state'],
    ['from=2026-13-01', 'from'],
    ['kind=a%20b', 'kind'],
    ['from=2026-03-02&to=2026-03-01', 'to'],
    ['colour=blue', 'colour'],
    ['format=xml', 'format'],
  ])('rejects %s with 400 naming %s', async (query, parameter) => {
    await start();
    const response = await get(`/metrics?${query}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'bad_request', parameter });
  });

  it('speaks Prometheus text when asked by Accept or by ?format', async () => {
    await start();
    for (const response of [
      await get('/metrics', { accept: 'text/plain;version=0.0.4' }),
      await get('/metrics?format=prometheus'),
    ]) {
      expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const labels = 'duration="implementation",kind="implementation",segment="enterprise"';
      expect(response.body).toContain(`boardkeeper_duration_seconds_count{${labels}} 1`);
      expect(response.body).toContain(`boardkeeper_duration_seconds_sum{${labels}} 1837815`);
      expect(response.body).toContain(`boardkeeper_duration_seconds_bucket{${labels},le="1814400"} 0`);
      expect(response.body).toContain(`boardkeeper_duration_seconds_bucket{${labels},le="2592000"} 1`);
      expect(response.body).toContain(
        'boardkeeper_duration_open{duration="implementation",kind="implementation",segment="mm",status="at-risk"} 1',
      );
      expect(response.body).toContain(
        'boardkeeper_issues{stage="deployment",kind="implementation",segment="mm",state="open"} 1',
      );
    }
  });

  it('gives one CSV row per engagement', async () => {
    await start();
    const response = await get('/metrics?format=csv&kind=implementation');
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const [header, ...rows] = response.body.trimEnd().split('\r\n');
    const column = header!.split(',').indexOf('implementation_seconds');
    expect(rows).toHaveLength(2);
    expect(rows.map((row) => row.split(',')[column]).sort()).toEqual(['1837815', '2073600']);
  });

  it('requires the bearer token when one is configured', async () => {
    await start({ metricsToken: 's3cret' });
    expect((await get('/metrics')).statusCode).toBe(401);
    expect((await get('/metrics', { authorization: 'Bearer wrong' })).statusCode).toBe(401);
    expect((await get('/metrics/issues/gitlab/42/1')).statusCode).toBe(401);
    expect((await get('/metrics', { authorization: 'Bearer s3cret' })).statusCode).toBe(200);
  });

  it('shows a new transition in the next answer, and moves the instant on once it is cacheSeconds old', async () => {
    await start({ durations: { cacheSeconds: 60 } });
    const report = async () => (await get('/metrics')).json<MetricsReport>();
    expect((await report()).issues.total).toBe(3);
    const first = await report();
    await store.recordTransitions([{ ...C[0]!, iid: 99 }]);
    nowMs += 30_000;
    const afterTransition = await report();
    expect(afterTransition.issues.total).toBe(4);
    expect(afterTransition.generatedAt).toBe(first.generatedAt);
    nowMs += 31_000;
    expect((await report()).generatedAt).toBe(new Date(nowMs).toISOString());
  });
});

describe('GET /metrics/issues/:forge/:project/:iid', () => {
  let store: SqliteStore;
  let app: FastifyInstance;

  beforeEach(async () => {
    store = new SqliteStore({ path: ':memory:' });
    await store.migrate();
    await store.recordTransitions(B_AS_DELIVERED);
    app = Fastify();
    await app.register(metricsRoutes, { store, config: configSchema.parse({}), now: () => new Date(NOW) });
  });
  afterEach(async () => {
    await app.close();
    await store.close();
  });

  it("returns one issue's timeline and durations (GitHub project URL-encoded)", async () => {
    const response = await app.inject({ method: 'GET', url: '/metrics/issues/github/acme%2Fweb/7' });
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report.durations.implementation).toMatchObject({
      state: 'open',
      seconds: 2_073_600,
      activeSeconds: 1_857_600,
      status: 'at-risk',
    });
    expect(report.timeline.map((s: { stage: string; paused: boolean }) => [s.stage, s.paused])).toEqual([
      ['handoff', false],
      ['deployment', false],
      ['deployment', true],
      ['deployment', false],
      ['configuration', false],
      ['deployment', false],
      ['closed', false],
      ['deployment', false],
    ]);
    expect(report.transitions).toHaveLength(8);
  });

  it('answers 404 for an issue without transitions and 400 naming a bad parameter', async () => {
    expect((await app.inject({ method: 'GET', url: '/metrics/issues/gitlab/42/5' })).statusCode).toBe(404);
    const bad = await app.inject({ method: 'GET', url: '/metrics/issues/bitbucket/42/5' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ parameter: 'forge' });
    expect((await app.inject({ method: 'GET', url: '/metrics/issues/gitlab/42/x' })).json()).toMatchObject({
      parameter: 'iid',
    });
  });
});
