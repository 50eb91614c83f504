import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, type ConfigInput } from '../../../src/config/schema.js';
import type { IssueState } from '../../../src/domain/types.js';
import { dashboardRoutes } from '../../../src/http/dashboard.js';
import type { SqliteStore } from '../../../src/store/sqlite.js';
import { BOARD_NOW, boardStore } from '../../support/board-history.js';

describe('GET /dashboard', () => {
  let store: SqliteStore;
  let app: FastifyInstance;

  async function start(config: ConfigInput = {}) {
    app = Fastify();
    await app.register(dashboardRoutes, { store, config: configSchema.parse(config), now: () => new Date(BOARD_NOW) });
  }

  beforeEach(async () => {
    store = await boardStore();
  });
  afterEach(async () => {
    await app.close();
    await store.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

  it('serves HTML under a strict content security policy', async () => {
    await start();
    const response = await get('/dashboard');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toContain('<h2 id="open-title">implementation: open engagements</h2>');
  });

  it('requires the metrics token, from the header or the query, and keeps it in the page', async () => {
    await start({ metricsToken: 's3cret' });
    expect((await get('/dashboard')).statusCode).toBe(401);
    expect((await get('/dashboard?token=wrong')).statusCode).toBe(401);
    expect((await get('/dashboard', { authorization: 'Bearer s3cret' })).statusCode).toBe(200);
    const page = await get('/dashboard?segment=mm&token=s3cret');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<input type="hidden" name="token" value="s3cret">');
    expect(page.body).toContain('href="/metrics?segment=mm&amp;token=s3cret"');
  });

  it('serves its own stylesheet, script and icon without the token, at the URLs the page names', async () => {
    await start({ metricsToken: 's3cret' });
    const page = (await get('/dashboard?token=s3cret')).body;
    const urls = [...page.matchAll(/(?:href|src)="(\/dashboard\/assets\/[^"]+)"/g)].map((match) => match[1]!);
    expect(urls.map((url) => url.replace(/\?v=[0-9a-f]{12}$/, ''))).toEqual([
      '/dashboard/assets/icon.svg',
      '/dashboard/assets/dashboard.css',
      '/dashboard/assets/dashboard.js',
    ]);
    const types = await Promise.all(urls.map(async (url) => (await get(url)).headers['content-type']));
    expect(types).toEqual(['image/svg+xml', 'text/css; charset=utf-8', 'text/javascript; charset=utf-8']);
    expect((await get('/dashboard/assets/secrets.json')).statusCode).toBe(404);
    expect((await get('/dashboard/assets/..%2F..%2Fhttp%2Fdashboard.ts')).statusCode).toBe(404);
  });

  it.each([
    ['period=1w', 'period'],
    ['colour=blue', 'colour'],
    ['kind=a%20b', 'kind'],
  ])('answers %s with a 400 page naming %s', async (query, parameter) => {
    await start();
    const response = await get(`/dashboard?${query}`);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toMatch(new RegExp(`<p>${parameter}: `));
    expect(response.body).toContain('<a href="/dashboard">Show the whole board</a>');
  });

  it('says to run backfill when the store has no transitions', async () => {
    await store.close();
    store = await boardStore({ transitions: [], states: [] });
    await start();
    const response = await get('/dashboard');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('No transitions yet');
  });

  describe('GET /dashboard/issues/:forge/:project/:iid', () => {
    const state = (
      forge: 'gitlab' | 'github',
      project: string,
      iid: number,
      extra: Record<string, unknown>,
    ): IssueState => ({
      ref: { forge, project, iid },
      kind: 'sow-request',
      stage: 'intake',
      stageBeforeHold: null,
      stageBeforeClose: null,
      labels: [],
      commentDigest: null,
      segment: null,
      title: 'SOW: Oscorp',
      createdAt: null,
      closedAt: null,
      updatedAt: '2026-06-01T00:00:00.000Z',
      extra,
    });

    it('redirects to the address the webhook gave, behind the metrics token', async () => {
      await store.putIssueState(state('gitlab', '77', 2, { webUrl: 'https://gitlab.example.com/ps/board/-/issues/2' }));
      await start({ metricsToken: 's3cret' });
      expect((await get('/dashboard/issues/gitlab/77/2')).statusCode).toBe(401);
      const response = await get('/dashboard/issues/gitlab/77/2?token=s3cret');
      expect(response.statusCode).toBe(302);
      expect(response.headers.location).toBe('https://gitlab.example.com/ps/board/-/issues/2');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
    });

    it.each([
      ['a GitHub issue', {}, '/dashboard/issues/github/acme%2Fweb/7', 'https://github.com/acme/web/issues/7'],
      [
        'a GitHub Enterprise issue',
        { github: { apiUrl: 'https://ghe.example.com/api/v3' } },
        '/dashboard/issues/github/acme%2Fweb/7',
        'https://ghe.example.com/acme/web/issues/7',
      ],
      [
        'a GitLab issue (its project page)',
        { gitlab: { url: 'https://gitlab.example.com/' } },
        '/dashboard/issues/gitlab/42/7',
        'https://gitlab.example.com/projects/42',
      ],
    ])('without a recorded address, builds one for %s', async (_name, config, url, location) => {
      await start(config);
      const response = await get(url);
      expect(response.statusCode).toBe(302);
      expect(response.headers.location).toBe(location);
    });

    it('answers 404 for an unknown forge or a bad number', async () => {
      await start();
      expect((await get('/dashboard/issues/bitbucket/42/7')).statusCode).toBe(404);
      expect((await get('/dashboard/issues/gitlab/42/0')).statusCode).toBe(404);
      expect((await get('/dashboard/issues/gitlab/42/x')).statusCode).toBe(404);
    });
  });
});
