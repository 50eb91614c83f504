import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../../src/config/schema.js';
import { signStatusToken } from '../../../src/status/token.js';
import { BOARD_NOW, HOSTILE_TITLE } from '../../support/board-history.js';
import { startTestService, type TestService } from '../../support/service.js';
import { OTHER, SHOWN, STATUS_SECRET, seedStatusBoard } from '../../support/status-board.js';

const PROJECT = 'ps/engagements';
const DAY = 86_400_000;
const link = (iid: number, options: { secret?: string; expiresInDays?: number; project?: string } = {}) =>
  `/status/${signStatusToken({ issue: { forge: 'gitlab', project: options.project ?? PROJECT, iid }, expiresAt: new Date(BOARD_NOW + (options.expiresInDays ?? 30) * DAY) }, options.secret ?? STATUS_SECRET)}`;

describe('GET /status/:token', () => {
  let test: TestService;

  async function start(config: ConfigInput = { status: { secret: STATUS_SECRET } }) {
    test = await startTestService({ config, now: () => new Date(BOARD_NOW) });
    await seedStatusBoard(test.service.store);
  }
  afterEach(async () => test.cleanup());

  const get = (url: string) => test.service.app.inject({ method: 'GET', url });

  it('serves one engagement as HTML under the dashboard’s strict policy, kept out of search engines', async () => {
    await start({ status: { secret: STATUS_SECRET }, metricsToken: 'metrics-token-not-needed-here' });
    const response = await get(link(SHOWN.iid));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers['x-robots-tag']).toBe('noindex, nofollow');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).not.toContain('<script');
    expect(response.body).toContain(`<h1>${SHOWN.customer} <span>engagement status</span></h1>`);
    expect(response.body).toContain('<span id="stage">deployment</span>');
    // Entered deployment 25 days before now: past the at-risk mark of the 30-day target.
    expect(response.body).toMatch(
      /<span data-days="25">25\.0 d<\/span>.*30-day target.*<span class="status at-risk">at risk<\/span>/s,
    );
    expect(response.body).toMatch(/id="tile-p50".*<time datetime="\d{4}-\d{2}-\d{2}">/s);
    expect(response.body).toMatch(/id="tile-p85"/);
    for (const stage of ['intake', 'sow-signed', 'kickoff', 'deployment'])
      expect(response.body).toContain(`<td data-label="stage">${stage}</td>`);
  });

  it('shows nothing of any other engagement, nor labels, assignees, titles or the issue’s address', async () => {
    await start();
    const body = (await get(link(SHOWN.iid))).body;
    for (const absent of [
      OTHER.customer,
      String(OTHER.iid),
      `secret-label-`,
      'segment::',
      'type::',
      'stage::',
      'ie-',
      'alice',
      HOSTILE_TITLE,
      'Relecloud</span>',
      'Monorepo',
      PROJECT,
      String(SHOWN.iid),
    ]) {
      expect(body).not.toContain(absent);
    }
    const other = (await get(link(OTHER.iid))).body;
    expect(other).toContain(OTHER.customer);
    expect(other).not.toContain(SHOWN.customer);
  });

  it('answers every failure with the same bare 404 as an unknown route, also kept out of search engines', async () => {
    await start();
    const valid = link(SHOWN.iid).slice('/status/'.length);
    const failures = [
      `/status/${valid.slice(0, -1)}${valid.endsWith('A') ? 'B' : 'A'}`,
      `/status/${valid.slice(0, 5)}x${valid.slice(6)}`,
      link(SHOWN.iid, { expiresInDays: -1 }),
      link(SHOWN.iid, { secret: `${STATUS_SECRET}-old` }),
      link(999),
      link(SHOWN.iid, { project: 'ps/unknown' }),
      '/status/garbage',
      '/status/%00',
      `/status/${'A'.repeat(3000)}`,
    ];
    const unknownRoute = await get('/no-such-page');
    for (const url of failures) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.body, url).toBe(unknownRoute.body);
      expect(response.headers['content-type'], url).toBe(unknownRoute.headers['content-type']);
      expect(response.headers['x-robots-tag'], url).toBe('noindex, nofollow');
    }
  });

  it('opens a link longer than a path parameter may be (a deep GitLab group path)', async () => {
    await start();
    const project = `${'customers/'.repeat(12)}rollout`;
    await test.service.store.recordTransitions([
      {
        forge: 'gitlab',
        project,
        iid: 3,
        from: null,
        to: 'kickoff',
        at: new Date(BOARD_NOW - 5 * DAY).toISOString(),
        actor: 'alice',
        source: 'webhook',
        kind: 'sow-request',
        segment: null,
      },
    ]);
    const url = link(3, { project });
    expect(url.length).toBeGreaterThan(200);
    const response = await get(url);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<span id="stage">kickoff</span>');
  });

  it('answers 404 to every link while no secret is configured', async () => {
    await start({});
    const response = await get(link(SHOWN.iid));
    expect(response.statusCode).toBe(404);
    expect(response.body).toBe((await get('/no-such-page')).body);
  });
});
