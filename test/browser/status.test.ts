import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath } from '../../scripts/chromium.js';
import { signStatusToken } from '../../src/status/token.js';
import { BOARD_NOW } from '../support/board-history.js';
import { startTestService, type TestService } from '../support/service.js';
import { OTHER, SHOWN, STATUS_SECRET, seedStatusBoard } from '../support/status-board.js';

const ARTEFACTS = 'test-results';
const token = signStatusToken(
  {
    issue: { forge: 'gitlab', project: 'ps/engagements', iid: SHOWN.iid },
    expiresAt: new Date(BOARD_NOW + 30 * 86_400_000),
  },
  STATUS_SECRET,
);

describe('status page in Chromium', () => {
  let test: TestService;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    test = await startTestService({
      config: { status: { secret: STATUS_SECRET }, metricsToken: 'not-for-customers' },
      now: () => new Date(BOARD_NOW),
    });
    await seedStatusBoard(test.service.store);
    await test.service.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(test.service.app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    mkdirSync(ARTEFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await test?.cleanup();
  });

  /** JavaScript off, as the page promises to work without it; every console error and failed asset request is a problem. */
  async function openPage(): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1024, height: 720 }, javaScriptEnabled: false });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    page.on('response', (response) => {
      if (response.status() >= 400 && !response.url().includes('/status/'))
        problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    return { page, problems };
  }

  it('renders one engagement, styled, without JavaScript and without the metrics token', async () => {
    const { page, problems } = await openPage();
    const response = await page.goto(`${base}/status/${token}`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['x-robots-tag']).toBe('noindex, nofollow');
    expect(await page.textContent('h1')).toBe(`${SHOWN.customer} engagement status`);
    expect(await page.textContent('#stage')).toBe('deployment');
    expect(await page.isVisible('#tile-implementation')).toBe(true);
    expect(await page.textContent('#tile-implementation .tile-value')).toBe('25.0 d');
    expect(await page.textContent('#tile-p50 time')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await page.textContent('#tile-p85 time')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const stages = await page.$$eval('#timeline tbody tr td:first-child', (cells) =>
      cells.map((cell) => cell.textContent),
    );
    expect(stages).toEqual(['intake', 'sow-signed', 'kickoff', 'deployment']);
    // The dashboard's stylesheet applies under the strict policy: the header has its colour.
    expect(
      await page.$eval(
        'header.top',
        (element) => element.ownerDocument.defaultView!.getComputedStyle(element).backgroundColor,
      ),
    ).toBe('rgb(31, 42, 68)');
    const text = await page.textContent('body');
    expect(text).not.toContain(OTHER.customer);
    expect(text).not.toContain('ie-');
    await page.screenshot({ path: `${ARTEFACTS}/status-page.png`, fullPage: true });
    expect(problems).toEqual([]);
  });

  it('shows the bare 404 for a tampered link', async () => {
    const { page } = await openPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    const tampered = `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`;
    const response = await page.goto(`${base}/status/${tampered}`);
    expect(response?.status()).toBe(404);
    const unknownRoute = await (await fetch(`${base}/no-such-page`)).text();
    expect((await page.textContent('body'))?.trim()).toBe(unknownRoute);
    expect(await page.$('h1')).toBeNull();
    // Nothing but the answer itself (and the browser's own favicon guess): no stylesheet, no page.
    expect(requested.filter((path) => path !== '/favicon.ico')).toEqual([`/status/${tampered}`]);
  });
});
