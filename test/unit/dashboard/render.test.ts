import { describe, expect, it } from 'vitest';
import type { Transition } from '../../../src/domain/types.js';
import { renderDashboard, renderQueryError } from '../../../src/dashboard/render.js';
import { boardHistory, HOSTILE_TITLE } from '../../support/board-history.js';
import { finishedImplementation, viewOf } from './support.js';

const ASSETS = {
  css: '/dashboard/assets/dashboard.css?v=1',
  js: '/dashboard/assets/dashboard.js?v=1',
  icon: '/dashboard/assets/icon.svg?v=1',
};
const MARKUP = '<b id="x">';
const ESCAPED = '&lt;b id=&quot;x&quot;&gt;';

/** A board whose every forge-supplied string (title, kind, segment, stage name) is markup. */
function hostileBoard() {
  const { transitions, states } = boardHistory();
  const base = {
    forge: 'gitlab' as const,
    project: `ps/${MARKUP}`,
    iid: 901,
    actor: 'eve',
    source: 'webhook',
    kind: MARKUP,
    segment: 'smb',
  };
  const hostile: Transition[] = [
    ...finishedImplementation(900, 12, 3, MARKUP),
    { ...base, from: null, to: MARKUP, at: '2026-06-01T00:00:00Z' },
    { ...base, from: MARKUP, to: 'deployment', at: '2026-06-05T00:00:00Z' },
  ];
  return { transitions: [...transitions, ...hostile], states };
}

/** Every start tag of the page: escaped text never contains `<`, so these are all real elements. */
const tags = (page: string) => page.match(/<[a-zA-Z][^>]*>/g) ?? [];

describe('renderDashboard', () => {
  it('escapes titles, kinds, segments, stage names and project paths', () => {
    const page = renderDashboard(viewOf(hostileBoard()).view, ASSETS);
    expect(page).not.toContain('<b id');
    expect(page).not.toContain('<img');
    expect(page).toContain(`<option value="${ESCAPED}">${ESCAPED}</option>`);
    expect(page).toContain(`<span class="bar-label">${ESCAPED}</span>`);
    expect(page).toContain(
      '&lt;img src=x onerror=&quot;alert(1)&quot;&gt; Rollout &amp; &quot;cut-over&quot; for O&#39;Brien',
    );
    expect(page).toContain('/metrics/issues/gitlab/ps%2F%3Cb%20id%3D%22x%22%3E/901');
    expect(HOSTILE_TITLE).toContain('<img');
  });

  it('carries the token in the form and every link, escaped', () => {
    const token = 'x"><script>';
    const page = renderDashboard(viewOf(boardHistory(), { token }).view, ASSETS);
    expect(page).toContain('<input type="hidden" name="token" value="x&quot;&gt;&lt;script&gt;">');
    expect(page).toContain('href="/metrics?token=x%22%3E%3Cscript%3E"');
    expect(page).toContain('href="/dashboard?token=x%22%3E%3Cscript%3E"');
    expect(page).not.toContain('x"><script>');
    expect(renderDashboard(viewOf(boardHistory()).view, ASSETS)).not.toContain('name="token"');
  });

  it('needs no inline script or style, so a strict CSP allows it', () => {
    const page = renderDashboard(viewOf(hostileBoard()).view, ASSETS);
    const all = tags(page);
    expect(all.filter((tag) => /\s(on[a-z]+|style)=/i.test(tag))).toEqual([]);
    expect(all.filter((tag) => tag.startsWith('<script'))).toEqual([`<script src="${ASSETS.js}" defer>`]);
    expect(page).not.toMatch(/<style/);
  });

  it('marks the selected filters', () => {
    const selection = { kind: 'implementation', segment: 'mm', period: '90d' as const };
    const page = renderDashboard(viewOf(boardHistory(), { selection }).view, ASSETS);
    expect(page).toContain('<option value="mm" selected>mm</option>');
    expect(page).toContain('<option value="implementation" selected>implementation</option>');
    expect(page).toContain('<option value="90d" selected>Last 90 days</option>');
    expect(page.match(/ selected>/g)).toHaveLength(3);
  });

  it('tells what to do when no transition is recorded yet', () => {
    const page = renderDashboard(viewOf({ transitions: [], states: [] }).view, ASSETS);
    expect(page).toContain('No transitions yet');
    expect(page).toContain('boardkeeper backfill --forge gitlab --project &lt;id&gt;');
    expect(page).not.toContain('id="open"');
  });

  it('offers to reset filters that match nothing', () => {
    const selection = { kind: 'sow-request', segment: 'nobody', period: 'all' as const };
    const page = renderDashboard(viewOf(boardHistory(), { selection, token: 't' }).view, ASSETS);
    expect(page).toContain('No issues match these filters');
    expect(page).toContain('<a href="/dashboard?token=t">reset the filters</a>');
  });

  it('explains each empty section with the event that fills it', () => {
    const sales = { kind: 'sow-request', segment: null, period: 'all' as const };
    const page = renderDashboard(viewOf(boardHistory(), { selection: sales }).view, ASSETS);
    expect(page).toContain('No implementation running: an engagement appears here when it enters deployment.');
    expect(page).toContain(
      'No finished implementation yet: an engagement counts here once it enters production-live, after it enters deployment.',
    );
    expect(page).toContain('No finished implementation yet, so no trend');
    expect(page).toContain('id="board"');
  });

  it('points to the CSV export when not every finished engagement is shown', () => {
    const transitions = Array.from({ length: 42 }, (_, i) => finishedImplementation(i + 1, 20, i + 1)).flat();
    const page = renderDashboard(viewOf({ transitions, states: [] }).view, ASSETS);
    expect(page).toContain(
      'The 40 most recently finished of 42; all of them are in the <a href="/metrics?format=csv">CSV export</a>.',
    );
  });

  it('points to the CSV export when the report lists only the first open engagements', () => {
    // /metrics lists at most 100 engagements by default; totals come from the duration's counts.
    const transitions = Array.from({ length: 101 }, (_, i) => finishedImplementation(i + 1, 5, -1).slice(0, 1)).flat();
    const { view, report } = viewOf({ transitions, states: [] });
    expect(report.kpi.open).toHaveLength(100);
    expect(renderDashboard(view, ASSETS)).toContain(
      'The first 100 of 101; all of them are in the <a href="/metrics?format=csv">CSV export</a>.',
    );
  });

  it('labels the KPI tiles with days and the share within target', () => {
    const transitions = [...finishedImplementation(1, 20, 5), ...finishedImplementation(2, 40, 3)];
    const page = renderDashboard(viewOf({ transitions, states: [] }).view, ASSETS);
    // Median of 20 and 40 days is 30 d = 2 592 000 s; one of two within 30 days.
    expect(page).toContain('<span data-seconds="2592000">30.0</span> d');
    expect(page).toMatch(/<span class="tile-label">Within target<\/span><span class="tile-value">50 %<\/span>/);
  });
});

describe('renderQueryError', () => {
  it('shows the escaped reason and a way back', () => {
    const page = renderQueryError('kind: <bad>', '/dashboard?token=t', ASSETS);
    expect(page).toContain('kind: &lt;bad&gt;');
    expect(page).toContain('<a href="/dashboard?token=t">Show the whole board</a>');
  });

  it("shows each open engagement's forecast, the chance as a meter, and the engineers", () => {
    const { view, report } = viewOf(boardHistory());
    const page = renderDashboard(view, ASSETS);
    for (const row of report.kpi.open) {
      const forecast = row.forecast!;
      if (forecast.status !== 'forecast') throw new Error('the board has enough history for a forecast');
      const basis = `from ${forecast.samples} past engagements (${forecast.basis.replace(/-/g, ' ')})`;
      expect(page).toContain(`<td class="forecast p50" data-label="P50" title="${basis}">${forecast.p50}</td>`);
      expect(page).toContain(`<td class="forecast p85" data-label="P85" title="${basis}">${forecast.p85}</td>`);
      expect(page).toContain(`value="${forecast.chanceWithinTarget}"`);
    }
    expect(page).toContain('<section id="engineers"');
    for (const engineer of report.byAssignee)
      expect(page).toContain(`title="their issues (JSON)">${engineer.assignee}</a>`);
  });

  it('says "too little history" across the forecast columns below the minimum', () => {
    const page = renderDashboard(viewOf(boardHistory(), { config: { forecast: { minimumHistory: 11 } } }).view, ASSETS);
    expect(page).toContain(
      '<td class="forecast too-little" colspan="3" title="10 of 11 finished engagements needed">too little history</td>',
    );
    expect(page).not.toContain('<meter');
  });

  it('explains where engineers come from when nobody is assigned', () => {
    const { transitions, states } = boardHistory();
    const page = renderDashboard(
      viewOf({ transitions, states: states.map((s) => ({ ...s, assignees: [] })) }).view,
      ASSETS,
    );
    expect(page).toContain('No implementation with an assignee yet');
  });
});

describe('issue references', () => {
  /** Issue 2 on each forge, both finished: the same number, told apart by forge and project. */
  function twoForges(): { transitions: Transition[]; states: [] } {
    const gitlab = finishedImplementation(2, 10, 1).map((t) => ({ ...t, forge: 'gitlab' as const, project: '42' }));
    return { transitions: [...finishedImplementation(2, 12, 2), ...gitlab], states: [] };
  }

  it('name the forge and the project, and open the issue on its forge', () => {
    const page = renderDashboard(viewOf(twoForges(), { token: 't' }).view, ASSETS);
    expect(page).toContain(
      '<span class="forge github">GitHub</span> <a class="ref" href="/dashboard/issues/github/acme%2Fweb/2?token=t" title="open on GitHub">acme/web#2</a>',
    );
    expect(page).toContain(
      '<span class="forge gitlab">GitLab</span> <a class="ref" href="/dashboard/issues/gitlab/42/2?token=t" title="open on GitLab">42#2</a>',
    );
    expect(page).toContain(
      '<a class="timeline" href="/metrics/issues/gitlab/42/2?token=t" title="timeline of this issue (JSON)">timeline</a>',
    );
  });

  it('name the forge and the project in chart rows too', () => {
    const page = renderDashboard(viewOf(twoForges()).view, ASSETS);
    expect(page).toContain('<span class="forge gitlab">GitLab</span> <span class="ref">42#2</span>');
    expect(page).toContain('<span class="forge github">GitHub</span> <span class="ref">acme/web#2</span>');
  });
});
