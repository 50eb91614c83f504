import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath } from '../../scripts/chromium.js';
import { configSchema } from '../../src/config/schema.js';
import { dashboardRoutes } from '../../src/http/dashboard.js';
import { metricsRoutes } from '../../src/http/metrics.js';
import type { MetricsReport } from '../../src/metrics/contract.js';
import type { SqliteStore } from '../../src/store/sqlite.js';
import { BOARD_NOW, boardStore, HOSTILE_TITLE } from '../support/board-history.js';

const TOKEN = 'dashboard-test-token';
const ARTEFACTS = 'test-results';
const DAY_SECONDS = 86_400;

/** The dashboard shows days with one decimal; /metrics has seconds (or days with two decimals). */
const shownDays = (seconds: number) => (seconds / DAY_SECONDS).toFixed(1);

describe('dashboard in Chromium', () => {
  let store: SqliteStore;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    store = await boardStore();
    const config = configSchema.parse({ metricsToken: TOKEN });
    const now = () => new Date(BOARD_NOW);
    app = Fastify();
    await app.register(metricsRoutes, { store, config, now });
    await app.register(dashboardRoutes, { store, config, now });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    mkdirSync(ARTEFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await store?.close();
  });

  async function metrics(query = ''): Promise<MetricsReport> {
    const response = await fetch(`${base}/metrics${query}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as MetricsReport;
  }

  /** A page that records every console error, uncaught exception and failed or refused request. */
  async function openPage(options: BrowserContextOptions = {}): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    page.on('dialog', (dialog) => problems.push(`dialog: ${dialog.message()}`));
    return { page, problems };
  }

  const cells = (page: Page, selector: string, attribute: string) =>
    page.$$eval(
      selector,
      (elements, name) => elements.map((element) => [element.getAttribute(name), element.textContent]),
      attribute,
    );

  async function expectOpenTable(page: Page, report: MetricsReport): Promise<void> {
    const rows = await page.$$eval('#open tbody tr', (trs) =>
      trs.map((tr) => ({
        ref: tr.querySelector('.ref')?.textContent,
        days: tr.querySelector('[data-days]')?.getAttribute('data-days'),
        shown: tr.querySelector('[data-days]')?.textContent,
        status: tr.querySelector('.status')?.className,
      })),
    );
    expect(rows).toEqual(
      report.kpi.open.map((row) => ({
        ref: `${row.project}#${row.iid}`,
        days: String(row.days),
        shown: row.days.toFixed(1),
        status: `status ${row.status}`,
      })),
    );
  }

  it('shows the numbers of /metrics, without a console error, at desktop width', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${base}/dashboard?token=${TOKEN}`);
    const report = await metrics();
    const implementation = report.durations.find((d) => d.name === 'implementation')!;

    expect(await page.getAttribute('#tile-median [data-seconds]', 'data-seconds')).toBe(
      String(implementation.finished.median),
    );
    expect(await page.textContent('#tile-median .tile-value')).toBe(`${shownDays(implementation.finished.median!)} d`);
    expect(await page.getAttribute('#tile-p90 [data-seconds]', 'data-seconds')).toBe(
      String(implementation.finished.p90),
    );
    expect(await page.textContent('#tile-within .tile-value')).toBe(
      `${Math.round(implementation.withinTarget! * 100)} %`,
    );
    expect(await page.textContent('#tile-open .tile-value')).toBe(String(implementation.open.count));

    await expectOpenTable(page, report);
    // Risk order as /metrics sorts it, and every status present in the seeded history.
    expect(report.kpi.open.map((row) => row.status)).toEqual(['breached', 'at-risk', 'on-track', 'on-track']);

    const finished = await cells(page, '#finished tbody [data-days]', 'data-days');
    expect(finished).toEqual(report.kpi.finished.map((row) => [String(row.days), row.days.toFixed(1)]));
    expect(await page.$$eval('#finished .bar-row', (rows) => rows.length)).toBe(report.kpi.finished.length);

    const trend = await page.$$eval('#trend tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.dataset.seconds ?? td.textContent)),
    );
    expect(trend).toEqual(
      report.kpi.trend.map((month) => [month.month, String(month.count), String(month.median), String(month.p90)]),
    );

    const stages = await page.$$eval('#stages tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.dataset.seconds ?? td.textContent)),
    );
    expect(stages).toEqual(
      report.stages.map((stage) => [
        stage.stage,
        String(stage.finished.count),
        String(stage.finished.median ?? ''),
        String(stage.finished.p90 ?? ''),
        String(stage.current.count),
      ]),
    );

    const board = await cells(page, '#board tbody [data-count]', 'data-count');
    expect(board).toEqual(report.issues.byStage.map((stage) => [String(stage.count), String(stage.count)]));

    // The markup in a title is shown as text, never run or parsed.
    await expect(page.locator('#open .title', { hasText: HOSTILE_TITLE }).textContent()).resolves.toBe(HOSTILE_TITLE);
    expect(await page.$$('#open img')).toHaveLength(0);

    await page.screenshot({ path: `${ARTEFACTS}/dashboard-desktop.png`, fullPage: true });
    expect(problems).toEqual([]);
  });

  it('changes the view and the URL when a filter changes, keeping the token', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${base}/dashboard?token=${TOKEN}`);
    const everyone = await metrics();

    await Promise.all([page.waitForURL(/segment=mm/), page.selectOption('select[name=segment]', 'mm')]);
    expect(new URL(page.url()).search).toBe(`?segment=mm&token=${TOKEN}`);
    const mm = await metrics('?segment=mm');
    expect(mm.kpi.open.length).toBeLessThan(everyone.kpi.open.length);
    await expectOpenTable(page, mm);
    expect(await page.$$eval('#finished tbody tr', (rows) => rows.length)).toBe(mm.kpi.finished.length);
    expect(await page.inputValue('select[name=segment]')).toBe('mm');

    await Promise.all([page.waitForURL(/period=90d/), page.selectOption('select[name=period]', '90d')]);
    expect(new URL(page.url()).search).toBe(`?segment=mm&period=90d&token=${TOKEN}`);
    const from = new Date(BOARD_NOW - 90 * DAY_SECONDS * 1000).toISOString().slice(0, 10);
    const recent = await metrics(`?segment=mm&from=${from}`);
    expect(recent.issues.total).toBeLessThan(mm.issues.total);
    await expectOpenTable(page, recent);
    expect(await page.getAttribute('#json-link', 'href')).toBe(`/metrics?segment=mm&from=${from}&token=${TOKEN}`);
    expect(await cells(page, '#board tbody [data-count]', 'data-count')).toEqual(
      recent.issues.byStage.map((stage) => [String(stage.count), String(stage.count)]),
    );
    expect(problems).toEqual([]);
  });

  it('filters without JavaScript through the plain form', async () => {
    const { page, problems } = await openPage({ javaScriptEnabled: false });
    await page.goto(`${base}/dashboard?token=${TOKEN}`);
    await page.selectOption('select[name=kind]', 'sow-request');
    await Promise.all([page.waitForURL(/kind=sow-request/), page.click('form.filters button[type=submit]')]);
    const sales = await metrics('?kind=sow-request');
    expect(new URL(page.url()).searchParams.get('kind')).toBe('sow-request');
    expect(await cells(page, '#board tbody [data-count]', 'data-count')).toEqual(
      sales.issues.byStage.map((stage) => [String(stage.count), String(stage.count)]),
    );
    await expect(page.textContent('#open .empty')).resolves.toContain('when it enters deployment');
    expect(problems).toEqual([]);
  });

  it('fits a phone screen', async () => {
    const { page, problems } = await openPage({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    await page.goto(`${base}/dashboard?token=${TOKEN}`);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    // The trend is drawn for the narrow card, not a shrunken desktop drawing.
    expect(await page.isVisible('#trend .narrow-only svg')).toBe(true);
    expect(await page.isVisible('#trend .wide-only svg')).toBe(false);
    await page.screenshot({ path: `${ARTEFACTS}/dashboard-phone.png`, fullPage: true });
    expect(problems).toEqual([]);
  });

  it('shows the forecast of each open engagement of /metrics, the chance as a bar', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${base}/dashboard?token=${TOKEN}`);
    const report = await metrics();
    const rows = await page.$$eval('#open tbody tr', (trs) =>
      trs.map((tr) => ({
        p50: tr.querySelector('.forecast.p50')?.textContent,
        p85: tr.querySelector('.forecast.p85')?.textContent,
        chance: Number(tr.querySelector('meter')?.getAttribute('value')),
        barWidth: tr.querySelector('meter')?.getBoundingClientRect().width,
      })),
    );
    expect(rows.map(({ barWidth: _, ...row }) => row)).toEqual(
      report.kpi.open.map((row) => {
        if (row.forecast?.status !== 'forecast') throw new Error('the board has enough history for a forecast');
        return { p50: row.forecast.p50, p85: row.forecast.p85, chance: row.forecast.chanceWithinTarget };
      }),
    );
    // Drawn as a bar, not only as text.
    for (const row of rows) expect(row.barWidth).toBeGreaterThan(20);
    expect(problems).toEqual([]);
  });

  it('shows the engineers of /metrics in "By engineer", each linking to their issues', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${base}/dashboard?token=${TOKEN}`);
    const report = await metrics();
    const rows = await page.$$eval('#engineers tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    expect(rows).toEqual(
      report.byAssignee.map((row) => [
        row.assignee,
        String(row.open),
        String(row.atRisk),
        String(row.breached),
        String(row.finished),
        row.finishedMedian === null ? '—' : shownDays(row.finishedMedian),
      ]),
    );
    expect(problems).toEqual([]);
    // The link opens the JSON of their issues (where Chromium's own favicon request may 404: not checked).
    const first = report.byAssignee[0]!;
    await page.click(`#engineers a:text-is("${first.assignee}")`);
    const theirs = JSON.parse((await page.textContent('body'))!) as MetricsReport;
    expect(theirs.filter).toEqual({ assignee: first.assignee });
    expect(theirs.byAssignee.map((row) => row.assignee)).toContain(first.assignee);
  });
});
