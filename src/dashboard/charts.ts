import { compact } from './format.js';
import { html, type Interpolation, type SafeHtml } from './html.js';
import { niceScale, position, type Scale } from './scale.js';

/**
 * Server-rendered charts: inline SVG and HTML, no script and no inline style (the page's CSP
 * forbids both), so they show with JavaScript off. Values arrive in the unit they are shown in.
 */

export interface Series {
  name: string;
  /** CSS class giving the series its colour (see assets/dashboard.css). */
  className: string;
}

export interface Target {
  value: number;
  label: string;
}

export interface BarRow {
  label: Interpolation;
  /** One value per series; null draws no bar. */
  values: (number | null)[];
  /** Overrides the series class for a single-series chart (e.g. colour by status). */
  className?: string;
}

export interface BarChart {
  /** What the axis measures, with its unit: "days in stage". */
  axisTitle: string;
  /** Value label suffix: "d", or "" for counts. */
  unit: string;
  series: Series[];
  /** What the colours mean, when rows colour their bars themselves; the series by default. */
  legend?: Series[];
  rows: BarRow[];
  target?: Target;
  integer?: boolean;
  format: (value: number) => string;
}

function legend(series: readonly Series[], target: Target | undefined): SafeHtml {
  return html`<ul class="legend">${series.map((s) => html`<li><span class="swatch ${s.className}"></span>${s.name}</li>`)}${
    target && html`<li><span class="swatch target"></span>${target.label}</li>`
  }</ul>`;
}

const withUnit = (text: string, unit: string) => (unit ? `${text} ${unit}` : text);

const BAR_VIEW_HEIGHT = 10;

/** SVG coordinates rounded to two decimals: sharper than a pixel, shorter than a float. */
const at = (value: number): number => Math.round(value * 100) / 100;

function barTrack(row: BarRow, chart: BarChart, scale: Scale): SafeHtml {
  const band = BAR_VIEW_HEIGHT / chart.series.length;
  const grid = scale.ticks.slice(1, -1).map((tick) => {
    const x = at(position(tick, scale));
    return html`<line class="grid" x1="${x}" x2="${x}" y1="0" y2="${BAR_VIEW_HEIGHT}" vector-effect="non-scaling-stroke"/>`;
  });
  const bars = row.values.map((value, index) =>
    value === null
      ? null
      : html`<rect class="bar ${row.className ?? chart.series[index]!.className}" x="0" y="${at(index * band + band * 0.12)}" width="${at(position(value, scale))}" height="${at(band * 0.76)}"/>`,
  );
  const target = chart.target && at(position(chart.target.value, scale));
  return html`<svg class="track" viewBox="0 0 100 ${BAR_VIEW_HEIGHT}" preserveAspectRatio="none" aria-hidden="true">${grid}${bars}${
    target !== undefined &&
    html`<line class="target-line" x1="${target}" x2="${target}" y1="0" y2="${BAR_VIEW_HEIGHT}" vector-effect="non-scaling-stroke"/>`
  }</svg>`;
}

/**
 * Horizontal bars, one row per item: labels and values are HTML, so they stay readable at phone
 * width; each row's bars are a stretched SVG sharing one scale, so targets and grid lines align.
 */
export function barChart(chart: BarChart): SafeHtml {
  const values = chart.rows.flatMap((row) => row.values).filter((value): value is number => value !== null);
  const scale = niceScale(Math.max(0, ...values, chart.target?.value ?? 0), chart.integer);
  const rows = chart.rows.map(
    (row) => html`<li class="bar-row${chart.series.length > 1 ? ' multi' : ''}">
<span class="bar-label">${row.label}</span>${barTrack(row, chart, scale)}<span class="bar-values">${row.values.map(
      (value, index) =>
        html`<span class="value ${row.className ?? chart.series[index]!.className}">${value === null ? '—' : withUnit(chart.format(value), chart.unit)}</span>`,
    )}</span></li>`,
  );
  return html`<figure class="chart bar-chart">${legend(chart.legend ?? chart.series, chart.target)}<ol class="bars">${rows}</ol>
<div class="axis" aria-hidden="true"><span class="ticks">${scale.ticks.map((tick) => html`<span>${compact(tick)}</span>`)}</span></div>
<figcaption>${chart.axisTitle}</figcaption></figure>`;
}

export interface LineChart {
  categories: string[];
  series: (Series & { values: (number | null)[] })[];
  target?: Target;
  unit: string;
  axisTitle: string;
  format: (value: number) => string;
}

interface Frame {
  width: number;
  height: number;
  /** Most category labels that fit along the x axis. */
  maxLabels: number;
}

// Two renderings of one chart, swapped by a media query: SVG text scales with the drawing, so a
// phone gets a drawing made for its width instead of a shrunken desktop one.
const WIDE: Frame = { width: 640, height: 260, maxLabels: 10 };
const NARROW: Frame = { width: 360, height: 240, maxLabels: 4 };
const MARGIN = { left: 52, right: 28, top: 22, bottom: 34 };

function lineSvg(chart: LineChart, frame: Frame, scale: Scale): SafeHtml {
  const plotWidth = frame.width - MARGIN.left - MARGIN.right;
  const plotHeight = frame.height - MARGIN.top - MARGIN.bottom;
  const count = chart.categories.length;
  // Points keep clear of the y-axis labels and the right edge, so their value labels fit.
  const inset = 20;
  const span = plotWidth - 2 * inset;
  const x = (index: number) => at(MARGIN.left + inset + (count === 1 ? span / 2 : (index / (count - 1)) * span));
  const y = (value: number) => at(MARGIN.top + plotHeight - (position(value, scale) / 100) * plotHeight);
  const every = Math.ceil(count / frame.maxLabels);
  const labelPoints = count <= frame.maxLabels * 1.5;
  const yAxis = scale.ticks.map(
    (
      tick,
    ) => html`<line class="grid" x1="${MARGIN.left}" x2="${frame.width - MARGIN.right}" y1="${y(tick)}" y2="${y(tick)}"/>
<text class="tick" x="${MARGIN.left - 6}" y="${at(y(tick) + 4)}" text-anchor="end">${withUnit(compact(tick), chart.unit)}</text>`,
  );
  const xAxis = chart.categories.map((category, index) =>
    (count - 1 - index) % every === 0
      ? html`<text class="tick" x="${x(index)}" y="${frame.height - MARGIN.bottom + 18}" text-anchor="middle">${category}</text>`
      : null,
  );
  // Values are written beside the points of the first series only: two rows of numbers collide.
  // Below the point, where a later series of higher values (p90 above median) never runs,
  // unless that would reach the month labels.
  const plotBottom = MARGIN.top + plotHeight;
  const labelY = (pointY: number) => (pointY + 16 <= plotBottom - 4 ? at(pointY + 16) : at(pointY - 8));
  const lines = chart.series.map((series, seriesIndex) => {
    const points = series.values.flatMap((value, index) => (value === null ? [] : [{ index, value }]));
    const path = points.map(({ index, value }) => `${x(index)},${y(value)}`).join(' ');
    return html`<g class="series ${series.className}"><polyline points="${path}"/>${points.map(
      ({ index, value }) =>
        html`<circle cx="${x(index)}" cy="${y(value)}" r="3.5"><title>${chart.categories[index]!}: ${series.name} ${withUnit(
          chart.format(value),
          chart.unit,
        )}</title></circle>${labelPoints && seriesIndex === 0 && html`<text class="point-label" x="${x(index)}" y="${labelY(y(value))}" text-anchor="middle">${chart.format(value)}</text>`}`,
    )}</g>`;
  });
  const target =
    chart.target &&
    html`<line class="target-line" x1="${MARGIN.left}" x2="${frame.width - MARGIN.right}" y1="${y(chart.target.value)}" y2="${y(chart.target.value)}"/>`;
  return html`<svg viewBox="0 0 ${frame.width} ${frame.height}" role="img" aria-label="${chart.axisTitle}">${yAxis}${xAxis}${target}${lines}</svg>`;
}

/** Values per category (months) as lines with points, optionally against a target line. */
export function lineChart(chart: LineChart): SafeHtml {
  const values = chart.series.flatMap((series) => series.values).filter((value): value is number => value !== null);
  const scale = niceScale(Math.max(0, ...values, chart.target?.value ?? 0));
  return html`<figure class="chart line-chart">${legend(chart.series, chart.target)}
<div class="wide-only">${lineSvg(chart, WIDE, scale)}</div><div class="narrow-only">${lineSvg(chart, NARROW, scale)}</div>
<figcaption>${chart.axisTitle}</figcaption></figure>`;
}
