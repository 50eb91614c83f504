import { describe, expect, it } from 'vitest';
import { barChart, lineChart } from '../../../src/dashboard/charts.js';

const oneDecimal = (value: number) => value.toFixed(1);
const attribute = (markup: string, selector: RegExp, name: string) =>
  [...markup.matchAll(selector)].map((match) => new RegExp(`\\s${name}="([^"]*)"`).exec(match[0])?.[1]);

describe('barChart', () => {
  const chart = barChart({
    axisTitle: 'time in stage, calendar days',
    unit: 'd',
    series: [
      { name: 'median', className: 'median' },
      { name: 'p90', className: 'p90' },
    ],
    rows: [
      { label: 'triage', values: [10, 20] },
      { label: 'estimate', values: [null, null] },
    ],
    target: { value: 35, label: '35-day target' },
    format: oneDecimal,
  });

  it('draws every bar and the target on one scale (here 0 to 40 days)', () => {
    expect(attribute(chart.value, /<rect [^>]*>/g, 'width')).toEqual(['25', '50']);
    expect(attribute(chart.value, /<line class="target-line"[^>]*>/g, 'x1')).toEqual(['87.5', '87.5']);
    expect(chart.value).toContain('<span>0</span><span>10</span><span>20</span><span>30</span><span>40</span>');
  });

  it('labels every value with its unit, a dash where there is none, and names the axis and legend', () => {
    expect(chart.value).toContain('<span class="value median">10.0 d</span><span class="value p90">20.0 d</span>');
    expect(chart.value).toContain('<span class="value median">—</span><span class="value p90">—</span>');
    expect(chart.value).toContain('<figcaption>time in stage, calendar days</figcaption>');
    expect(chart.value).toMatch(/<li><span class="swatch target"><\/span>35-day target<\/li>/);
  });

  it('writes coordinates with at most two decimals', () => {
    const thirds = barChart({
      axisTitle: 'days',
      unit: 'd',
      series: [{ name: 'median', className: 'median' }],
      rows: [
        { label: 'a', values: [1] },
        { label: 'b', values: [3] },
      ],
      format: oneDecimal,
    });
    expect(attribute(thirds.value, /<rect [^>]*>/g, 'width')).toEqual(['33.33', '100']);
  });

  it('colours a row by its own class when given, and shows counts without a unit', () => {
    const counts = barChart({
      axisTitle: 'issues per current stage',
      unit: '',
      series: [{ name: 'issues', className: 'count' }],
      rows: [{ label: 'deployment', values: [3], className: 'breached' }],
      integer: true,
      format: String,
    });
    expect(counts.value).toContain('<rect class="bar breached"');
    expect(counts.value).toContain('<span class="value breached">3</span>');
  });
});

describe('lineChart', () => {
  const chart = lineChart({
    categories: ['2026-01', '2026-02', '2026-03'],
    series: [
      { name: 'median', className: 'median', values: [22, 31.9, 21.3] },
      { name: 'p90', className: 'p90', values: [38, null, 23.9] },
    ],
    target: { value: 30, label: '30-day target' },
    unit: 'd',
    axisTitle: 'implementation duration, calendar days',
    format: oneDecimal,
  });

  it('draws the chart twice, for wide and narrow cards', () => {
    expect(chart.value.match(/<svg /g)).toHaveLength(2);
    expect(chart.value).toContain('viewBox="0 0 640 260"');
    expect(chart.value).toContain('viewBox="0 0 360 240"');
  });

  it('joins the known values of each series and writes the first series’ values by its points', () => {
    const wide = chart.value.slice(0, chart.value.indexOf('narrow-only'));
    const lines = attribute(wide, /<polyline [^>]*>/g, 'points').map((points) => points!.split(' ').length);
    expect(lines).toEqual([3, 2]);
    expect(wide.match(/class="point-label"/g)).toHaveLength(3);
    expect(wide).toContain('<title>2026-02: median 31.9 d</title>');
  });

  it('puts the target on the axis scale and units on the ticks', () => {
    const wide = chart.value.slice(0, chart.value.indexOf('narrow-only'));
    // 0–40 d over a 204 px plot starting at y 22: 30 d sits a quarter down.
    expect(attribute(wide, /<line class="target-line"[^>]*>/g, 'y1')).toEqual(['73']);
    expect(wide).toContain('>40 d</text>');
    expect(wide).toContain('>2026-03</text>');
  });
});
