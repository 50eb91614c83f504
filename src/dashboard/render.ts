import type { FinishedEngagement, IssueId, OpenEngagement, TargetStatus } from '../metrics/contract.js';
import { FORGE_TITLE } from '../forges/web-links.js';
import { dashboardText, SURFACES } from '../metrics/table/columns.js';
import { barChart, lineChart, type Target } from './charts.js';
import { compact, date, days, instant, percent } from './format.js';
import { FORECAST_COLUMNS, FORECAST_NOTE, forecastCells } from './forecast.js';
import { html, type Interpolation, type SafeHtml } from './html.js';
import { PERIODS } from './query.js';
import { linkTo, type DashboardView } from './view.js';

/** URLs of the page's own script, stylesheet and icon (fingerprinted by the asset server). */
export interface AssetUrls {
  css: string;
  js: string;
  icon: string;
}

const DAY_SECONDS = 86_400;
const toDays = (seconds: number) => seconds / DAY_SECONDS;
const oneDecimal = (value: number) => value.toFixed(1);
const whole = (value: number) => String(value);

const STATUS_TEXT: Record<TargetStatus, string> = {
  met: 'met',
  'on-track': 'on track',
  'at-risk': 'at risk',
  breached: 'breached',
};

export function statusBadge(status: TargetStatus | null): SafeHtml {
  return status === null
    ? html`<span class="status none">no target</span>`
    : html`<span class="status ${status}">${STATUS_TEXT[status]}</span>`;
}

const reference = (issue: IssueId) => `${issue.project}#${issue.iid}`;
/** Two forges number their issues independently: a reference is only unambiguous with its forge. */
const forgeBadge = (issue: IssueId) => html`<span class="forge ${issue.forge}">${FORGE_TITLE[issue.forge]}</span>`;
const issuePath = (issue: IssueId) => `${issue.forge}/${encodeURIComponent(issue.project)}/${issue.iid}`;

/** Chart rows are narrow: forge, reference and title, the title cut by the chart's width. */
const issueLabel = (issue: IssueId & { title: string | null }) =>
  html`<span title="${FORGE_TITLE[issue.forge]} ${reference(issue)}${issue.title === null ? '' : ` ${issue.title}`}">${forgeBadge(issue)} <span class="ref">${reference(issue)}</span>${
    issue.title !== null && html` <span class="title">${issue.title}</span>`
  }</span>`;

/** The reference opens the issue on its forge; its recorded timeline is one more link away. */
function issueCell(issue: IssueId & { title: string | null }, token: string | undefined): SafeHtml {
  const onForge = linkTo(`/dashboard/issues/${issuePath(issue)}`, {}, token);
  const timeline = linkTo(`/metrics/issues/${issuePath(issue)}`, {}, token);
  return html`${forgeBadge(issue)} <a class="ref" href="${onForge}" title="open on ${FORGE_TITLE[issue.forge]}">${reference(issue)}</a>${
    issue.title !== null && html` <span class="title">${issue.title}</span>`
  } <a class="timeline" href="${timeline}" title="timeline of this issue (JSON)">timeline</a>`;
}

/** A column heading; numeric columns are right-aligned like their cells. */
export type Column = string | { numeric: string };

const headings = (columns: readonly { heading: string }[]): Column[] => columns.map((column) => column.heading);

/** An engagement column's value as the tables show it. */
const asText = (value: string | readonly string[] | null): string =>
  value === null ? '—' : typeof value === 'string' ? value : value.join(', ');

export function table(caption: string, head: Column[], rows: SafeHtml[], className = ''): SafeHtml {
  const th = (column: Column) =>
    typeof column === 'string'
      ? html`<th scope="col">${column}</th>`
      : html`<th scope="col" class="num">${column.numeric}</th>`;
  return html`<div class="table-wrap"><table class="${className}"><caption>${caption}</caption>
<thead><tr>${head.map(th)}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** A day count whose exact source value (seconds, as /metrics has it) travels in a data attribute. */
const secondsCell = (seconds: number | null) =>
  html`<td class="num" data-seconds="${seconds === null ? '' : seconds}">${days(seconds)}</td>`;
const daysCell = (value: number) => html`<td class="num" data-days="${value}">${value.toFixed(1)}</td>`;

/** For lists cut short: where the rest is. */
const restInCsv = (view: DashboardView) => html`all of them are in the <a href="${view.links.csv}">CSV export</a>.`;

function emptyState(message: Interpolation): SafeHtml {
  return html`<p class="empty">${message}</p>`;
}

export function section(id: string, title: string, note: Interpolation, body: Interpolation): SafeHtml {
  return html`<section id="${id}" class="card" aria-labelledby="${id}-title"><h2 id="${id}-title">${title}</h2>${
    note && html`<p class="note">${note}</p>`
  }${body}</section>`;
}

function select(name: string, label: string, options: { value: string; label: string }[], selected: string): SafeHtml {
  return html`<label class="field"><span>${label}</span><select name="${name}">${options.map(
    (option) =>
      html`<option value="${option.value}"${option.value === selected ? html` selected` : null}>${option.label}</option>`,
  )}</select></label>`;
}

function filterForm(view: DashboardView): SafeHtml {
  const { selection, kinds, segments, token } = view.filters;
  const any = (label: string, values: string[]) => [
    { value: '', label },
    ...values.map((value) => ({ value, label: value })),
  ];
  return html`<form class="filters" method="get" action="/dashboard" role="search" aria-label="Filters">
${select('segment', 'Segment', any('All segments', segments), selection.segment ?? '')}
${select('kind', 'Kind', any('All kinds', kinds), selection.kind ?? '')}
${select(
  'period',
  'Created',
  PERIODS.map((p) => ({ value: p.key, label: p.label })),
  selection.period,
)}
${token !== undefined && html`<input type="hidden" name="token" value="${token}">`}
<button type="submit">Apply</button> <a class="reset" href="${view.links.reset}">Reset</a>
</form>`;
}

function targetOf(view: DashboardView): Target | undefined {
  const { targetDays } = view.kpi;
  return targetDays === null ? undefined : { value: targetDays, label: `${compact(targetDays)}-day target` };
}

const tileDays = (seconds: number | null) =>
  html`<span data-seconds="${seconds ?? ''}">${days(seconds)}</span>${seconds !== null && ' d'}`;

function summaryTiles(view: DashboardView): SafeHtml {
  const summary = view.summary;
  if (!summary)
    return emptyState(html`No duration named “${view.kpi.name}” is configured: check <code>durations.kpi</code>.`);
  const tile = (id: string, label: string, value: Interpolation, detail: Interpolation) =>
    html`<div class="tile" id="tile-${id}"><span class="tile-label">${label}</span><span class="tile-value">${value}</span><span class="tile-detail">${detail}</span></div>`;
  const { byStatus } = summary.open;
  return html`<div class="tiles">
${tile('median', `Median ${view.kpi.name}`, tileDays(summary.finished.median), `${summary.finished.count} finished`)}
${tile('p90', `p90 ${view.kpi.name}`, tileDays(summary.finished.p90), '9 in 10 finished within this')}
${tile('within', 'Within target', percent(summary.withinTarget), view.kpi.targetDays === null ? 'no target configured' : `≤ ${compact(view.kpi.targetDays)} days`)}
${tile('open', 'Running now', String(summary.open.count), html`<span class="status breached">${byStatus.breached} breached</span> <span class="status at-risk">${byStatus['at-risk']} at risk</span> <span class="status on-track">${byStatus['on-track']} on track</span>`)}
</div>`;
}

function finishedSection(view: DashboardView): SafeHtml {
  const { rows, total } = view.finished;
  const title = `${view.kpi.name}: finished engagements`;
  if (total === 0) {
    return section(
      'finished',
      title,
      null,
      emptyState(
        `No finished ${view.kpi.name} yet: an engagement counts here once it ${view.kpi.endsWhen}, after it ${view.kpi.startsWhen}.`,
      ),
    );
  }
  const shown =
    rows.length < total
      ? html`The ${rows.length} most recently finished of ${total}; ${restInCsv(view)}`
      : `Most recently finished first.`;
  const chart = barChart({
    axisTitle: `${view.kpi.name} duration, ${view.measure} days`,
    unit: 'd',
    series: [{ name: 'duration', className: 'plain' }],
    legend:
      view.kpi.targetDays === null
        ? undefined
        : [
            { name: 'met the target', className: 'met' },
            { name: 'breached', className: 'breached' },
          ],
    rows: rows.map((row) => ({ label: issueLabel(row), values: [row.days], className: row.status ?? 'plain' })),
    target: targetOf(view),
    format: oneDecimal,
  });
  const tableRows = rows.map(
    (row: FinishedEngagement) =>
      html`<tr><td>${issueCell(row, view.filters.token)}</td>${SURFACES.finishedTable.map((column) => html`<td>${asText(dashboardText(column, row))}</td>`)}<td>${date(row.start)}</td><td>${date(row.end)}</td>${daysCell(row.days)}<td>${statusBadge(row.status)}</td></tr>`,
  );
  return section(
    'finished',
    title,
    shown,
    html`${chart}<details><summary>Table</summary>${table(`Finished ${view.kpi.name}`, ['Issue', ...headings(SURFACES.finishedTable), 'Start', 'End', { numeric: 'Days' }, 'Target'], tableRows)}</details>`,
  );
}

function openSection(view: DashboardView): SafeHtml {
  const title = `${view.kpi.name}: open engagements`;
  if (view.open.total === 0) {
    return section(
      'open',
      title,
      null,
      emptyState(`No ${view.kpi.name} running: an engagement appears here when it ${view.kpi.startsWhen}.`),
    );
  }
  const { targetDays, atRiskAfterDays } = view.kpi;
  const order =
    targetDays === null
      ? 'Longest running first.'
      : `Highest risk first: breached after ${compact(targetDays)} days${atRiskAfterDays === null ? '' : `, at risk after ${compact(atRiskAfterDays)}`}.`;
  const { rows: shown, total } = view.open;
  const note = html`${order}${shown.length < total && html` The first ${shown.length} of ${total}; ${restInCsv(view)}`}`;
  // data-label names each cell where a narrow card shows the rows as blocks without the header.
  const rows = shown.map(
    (row: OpenEngagement) =>
      html`<tr><td class="issue">${issueCell(row, view.filters.token)}</td>${SURFACES.openTable.map((column) => html`<td data-label="${column.key}">${asText(dashboardText(column, row))}</td>`)}<td data-label="since">${date(row.start)}</td>${daysCell(row.days)}<td class="state">${statusBadge(row.status)}</td>${forecastCells(row.forecast)}</tr>`,
  );
  const head: Column[] = [
    'Issue',
    ...headings(SURFACES.openTable),
    'Since',
    { numeric: 'Days elapsed' },
    'Status',
    ...FORECAST_COLUMNS,
  ];
  return section(
    'open',
    title,
    html`${note} ${FORECAST_NOTE}`,
    table(`Open ${view.kpi.name}, by risk`, head, rows, 'open-table'),
  );
}

function trendSection(view: DashboardView): SafeHtml {
  const title = `${view.kpi.name}: monthly trend`;
  if (view.trend.length === 0) {
    return section(
      'trend',
      title,
      null,
      emptyState(
        `No finished ${view.kpi.name} yet, so no trend: a month appears once an engagement that started in it ${view.kpi.endsWhen}.`,
      ),
    );
  }
  const chart = lineChart({
    categories: view.trend.map((month) => month.month),
    series: [
      { name: 'median', className: 'median', values: view.trend.map((month) => month.median && toDays(month.median)) },
      { name: 'p90', className: 'p90', values: view.trend.map((month) => month.p90 && toDays(month.p90)) },
    ],
    target: targetOf(view),
    unit: 'd',
    axisTitle: `${view.kpi.name} duration, ${view.measure} days, by month the engagement started`,
    format: oneDecimal,
  });
  const rows = view.trend.map(
    (month) =>
      html`<tr><td>${month.month}</td><td class="num">${month.count}</td>${secondsCell(month.median)}${secondsCell(month.p90)}</tr>`,
  );
  return section(
    'trend',
    title,
    null,
    html`${chart}<details><summary>Table</summary>${table(`${view.kpi.name} by month of start`, ['Month', { numeric: 'Finished' }, { numeric: 'Median (days)' }, { numeric: 'p90 (days)' }], rows)}</details>`,
  );
}

function stagesSection(view: DashboardView): SafeHtml {
  const title = 'Time per stage';
  if (view.stages.length === 0) {
    return section(
      'stages',
      title,
      null,
      emptyState('No stage time recorded yet: run backfill to import the label history, or wait for issues to move.'),
    );
  }
  const chart = barChart({
    axisTitle: `time in stage per issue (sum over its visits), ${view.measure} days`,
    unit: 'd',
    series: [
      { name: 'median', className: 'median' },
      { name: 'p90', className: 'p90' },
    ],
    rows: view.stages.map((stage) => ({
      label: stage.stage,
      values: [
        stage.finished.median && toDays(stage.finished.median),
        stage.finished.p90 && toDays(stage.finished.p90),
      ],
    })),
    format: oneDecimal,
  });
  const rows = view.stages.map(
    (stage) =>
      html`<tr><td>${stage.stage}</td><td class="num">${stage.finished.count}</td>${secondsCell(stage.finished.median)}${secondsCell(stage.finished.p90)}<td class="num">${stage.current.count}</td></tr>`,
  );
  return section(
    'stages',
    title,
    'Issues that have left the stage; a dash means none has left it yet.',
    html`${chart}<details><summary>Table</summary>${table('Time per stage', ['Stage', { numeric: 'Left it' }, { numeric: 'Median (days)' }, { numeric: 'p90 (days)' }, { numeric: 'In it now' }], rows)}</details>`,
  );
}

function boardSection(view: DashboardView): SafeHtml {
  const chart = barChart({
    axisTitle: 'issues per current stage',
    unit: '',
    series: [{ name: 'issues', className: 'count' }],
    rows: view.board.map((stage) => ({ label: stage.stage, values: [stage.count] })),
    integer: true,
    format: whole,
  });
  const rows = view.board.map(
    (stage) => html`<tr><td>${stage.stage}</td><td class="num" data-count="${stage.count}">${stage.count}</td></tr>`,
  );
  return section(
    'board',
    'The board today',
    'Issues in each stage now, in board order.',
    html`${chart}<details><summary>Table</summary>${table('Issues per stage', ['Stage', { numeric: 'Issues' }], rows)}</details>`,
  );
}

function pageEmptyState(view: DashboardView): SafeHtml | null {
  if (view.empty === 'no-transitions') {
    return html`<section class="card empty-page" id="empty"><h2>No transitions yet</h2>
<p>The dashboard is drawn from recorded stage changes. Run backfill to import the board's label history:</p>
<pre><code>boardkeeper backfill --forge gitlab --project &lt;id&gt;
boardkeeper backfill --forge github --project &lt;owner/repo&gt;</code></pre>
<p>or wait: every stage change the webhooks deliver from now on is recorded.</p></section>`;
  }
  if (view.empty === 'no-match') {
    return html`<section class="card empty-page" id="empty"><h2>No issues match these filters</h2>
<p>Pick a longer period or another segment or kind, or <a href="${view.links.reset}">reset the filters</a>.</p></section>`;
  }
  return null;
}

/** The page shell the dashboard's pages share; a page without a script (the status page) leaves `js` out. */
export function layout(title: string, assets: Omit<AssetUrls, 'js'> & { js?: string }, body: Interpolation): SafeHtml {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><link rel="icon" href="${assets.icon}" type="image/svg+xml"><link rel="stylesheet" href="${assets.css}">
${assets.js !== undefined && html`<script src="${assets.js}" defer></script>`}</head>
<body>${body}</body></html>`;
}

function header(subtitle: Interpolation): SafeHtml {
  return html`<header class="top"><h1>boardkeeper <span>dashboard</span></h1><p class="meta">${subtitle}</p></header>`;
}

/** The whole dashboard page. Pure: the same view renders the same bytes. */
function engineersSection(view: DashboardView): SafeHtml {
  const title = 'By engineer';
  if (view.engineers.length === 0) {
    return section(
      'engineers',
      title,
      null,
      emptyState(
        `No ${view.kpi.name} with an assignee yet: assignees are recorded from the webhooks (and backfill) from now on.`,
      ),
    );
  }
  const rows = view.engineers.map(
    (row) =>
      html`<tr><td data-label="engineer"><a href="${linkTo('/metrics', { assignee: row.assignee }, view.filters.token)}" title="their issues (JSON)">${row.assignee}</a></td><td class="num" data-count="${row.open}">${row.open}</td><td class="num">${row.atRisk > 0 ? html`<span class="status at-risk">${row.atRisk}</span>` : '0'}</td><td class="num">${row.breached > 0 ? html`<span class="status breached">${row.breached}</span>` : '0'}</td><td class="num">${row.finished}</td>${secondsCell(row.finishedMedian)}</tr>`,
  );
  const head: Column[] = [
    'Engineer',
    { numeric: 'Open' },
    { numeric: 'At risk' },
    { numeric: 'Breached' },
    { numeric: `Finished ${view.kpi.name}` },
    { numeric: 'Median (days)' },
  ];
  return section(
    'engineers',
    title,
    `Who carries what: running ${view.kpi.name} assigned to each engineer now, and their finished ones.`,
    table('Issues per assignee', head, rows, 'engineers-table'),
  );
}

export function renderDashboard(view: DashboardView, assets: AssetUrls): string {
  const empty = pageEmptyState(view);
  const body = html`${header(html`As of <time datetime="${view.generatedAt}">${instant(view.generatedAt)}</time> · ${view.measure} days · data as <a href="${view.links.json}" id="json-link">JSON</a> or <a href="${view.links.csv}">CSV</a>`)}
<main>${filterForm(view)}
${empty ?? html`${summaryTiles(view)}<div class="grid">${openSection(view)}${engineersSection(view)}${finishedSection(view)}${trendSection(view)}${stagesSection(view)}${boardSection(view)}</div>`}
</main>`;
  return layout(`boardkeeper · ${view.kpi.name} dashboard`, assets, body).value;
}

/** The page for a query the dashboard cannot serve: what was wrong, and the way back. */
export function renderQueryError(message: string, resetLink: string, assets: AssetUrls): string {
  const body = html`${header('The filters in this link are not valid.')}
<main><section class="card empty-page" id="error"><h2>Cannot show this view</h2><p>${message}</p><p><a href="${resetLink}">Show the whole board</a></p></section></main>`;
  return layout('boardkeeper · dashboard', assets, body).value;
}
