import type { AssetUrls } from '../dashboard/render.js';
import { layout, section, statusBadge, table } from '../dashboard/render.js';
import { compact, date, instant, percent } from '../dashboard/format.js';
import { html, type Interpolation, type SafeHtml } from '../dashboard/html.js';
import type { StatusView } from './view.js';

const dayCount = (days: number) => `${days.toFixed(1)} d`;

function tile(id: string, label: string, value: Interpolation, detail: Interpolation): SafeHtml {
  return html`<div class="tile" id="tile-${id}"><span class="tile-label">${label}</span><span class="tile-value">${value}</span><span class="tile-detail">${detail}</span></div>`;
}

function implementationTile(view: StatusView): SafeHtml {
  const { implementation: kpi } = view;
  const target = kpi.targetDays === null ? 'no target set' : `${compact(kpi.targetDays)}-day target`;
  const label = `Time in ${kpi.name}`;
  if (kpi.state === 'not-started' || kpi.days === null)
    return tile('implementation', label, '—', `not started yet · ${target}`);
  const detail =
    kpi.state === 'finished' && kpi.end !== null
      ? html`went live ${date(kpi.end)} · ${target}`
      : kpi.state === 'stopped'
        ? html`stopped when closed · ${target}`
        : html`since ${date(kpi.start ?? view.generatedAt)} · ${target}`;
  return tile(
    'implementation',
    label,
    html`<span data-days="${kpi.days}">${dayCount(kpi.days)}</span>`,
    html`${detail} ${kpi.status !== null && statusBadge(kpi.status)}`,
  );
}

function forecastTiles(view: StatusView): Interpolation {
  const { forecast } = view;
  if (forecast === null) return null;
  if ('tooLittleHistory' in forecast)
    return tile('forecast', 'Go-live forecast', '—', 'not enough finished engagements to forecast from yet');
  const chance =
    forecast.chanceWithinTarget === null ? null : html` · ${percent(forecast.chanceWithinTarget)} chance within target`;
  return [
    tile(
      'p50',
      'Likely go-live (P50)',
      html`<time datetime="${forecast.p50}">${forecast.p50}</time>`,
      'half of the simulated futures go live by then',
    ),
    tile(
      'p85',
      'Go-live to plan on (P85)',
      html`<time datetime="${forecast.p85}">${forecast.p85}</time>`,
      html`85 % go live by then${chance}`,
    ),
  ];
}

function timelineSection(view: StatusView): SafeHtml {
  const rows = view.timeline.map(
    (visit) =>
      html`<tr><td data-label="stage">${visit.stage}</td><td><time datetime="${visit.from}">${date(visit.from)}</time></td><td>${
        visit.to === null ? html`<em>now</em>` : html`<time datetime="${visit.to}">${date(visit.to)}</time>`
      }</td><td class="num" data-days="${visit.days}">${visit.days.toFixed(1)}</td></tr>`,
  );
  return section(
    'timeline',
    'Stage timeline',
    'Each stage the engagement has been in, oldest first (dates in UTC).',
    table('Stages and their dates', ['Stage', 'From', 'To', { numeric: 'Days' }], rows, 'timeline-table'),
  );
}

/** The whole status page: one engagement, read-only, no script. Pure: the same view renders the same bytes. */
export function renderStatusPage(view: StatusView, assets: Omit<AssetUrls, 'js'>): string {
  const title = view.customer ?? 'Engagement';
  const stage = view.closed ? 'closed' : (view.stage ?? '—');
  const body = html`<header class="top"><h1>${title} <span>engagement status</span></h1><p class="meta">As of <time datetime="${view.generatedAt}">${instant(view.generatedAt)}</time> · this link is valid until ${date(view.expiresAt)}</p></header>
<main><div class="tiles">${tile('stage', 'Current stage', html`<span id="stage">${stage}</span>`, view.timeline.length > 0 ? `since ${date(view.timeline.at(-1)!.from)}` : null)}${implementationTile(view)}${forecastTiles(view)}</div>
${timelineSection(view)}</main>`;
  return layout(`${title} · engagement status`, assets, body).value;
}
