import { forecastBuckets } from '../forecast/report.js';
import { burnReport } from '../table/burn.js';
import { DAY_MS } from '../durations/measure.js';
import type { MetricsSettings } from '../durations/settings.js';
import { displayKey, FINISHED, OPEN, STATUSES, type IssueTable } from '../table/table.js';

/** Prometheus text exposition format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Labels = Record<string, string>;

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const formatLabels = (labels: Labels) =>
  `{${Object.entries(labels)
    .map(([key, value]) => `${key}="${escapeLabel(value)}"`)
    .join(',')}}`;

class Histogram {
  private readonly series = new Map<string, { labels: Labels; buckets: number[]; sum: number; count: number }>();

  constructor(private readonly boundsSeconds: number[]) {}

  observe(labels: Labels, seconds: number): void {
    const key = formatLabels(labels);
    let series = this.series.get(key);
    if (!series)
      this.series.set(key, (series = { labels, buckets: this.boundsSeconds.map(() => 0), sum: 0, count: 0 }));
    this.boundsSeconds.forEach((bound, index) => {
      if (seconds <= bound) series.buckets[index]!++;
    });
    series.sum += seconds;
    series.count++;
  }

  lines(name: string): string[] {
    return [...this.series.values()].flatMap(({ labels, buckets, sum, count }) => [
      ...this.boundsSeconds.map(
        (bound, i) => `${name}_bucket${formatLabels({ ...labels, le: String(bound) })} ${buckets[i]}`,
      ),
      `${name}_bucket${formatLabels({ ...labels, le: '+Inf' })} ${count}`,
      `${name}_sum${formatLabels(labels)} ${sum}`,
      `${name}_count${formatLabels(labels)} ${count}`,
    ]);
  }
}

class Gauge {
  private readonly series = new Map<string, number>();

  add(labels: Labels, value: number, combine: (a: number, b: number) => number = (a, b) => a + b): void {
    const key = formatLabels(labels);
    const previous = this.series.get(key);
    this.series.set(key, previous === undefined ? value : combine(previous, value));
  }

  lines(name: string): string[] {
    return [...this.series].map(([labels, value]) => `${name}${labels} ${value}`);
  }
}

function family(name: string, type: 'histogram' | 'gauge', help: string, lines: string[]): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines];
}

/** Renders the selected rows as Prometheus metrics: durations and stage times in seconds. Pure. */
export function renderPrometheus(
  table: IssueTable,
  selection: Uint32Array,
  settings: MetricsSettings,
  nowMs: number,
): string {
  const bounds = settings.bucketsDays.map((days) => (days * DAY_MS) / 1000);
  const finished = new Histogram(bounds);
  const finishedActive = new Histogram(bounds);
  const stageTime = new Histogram(bounds);
  const open = new Gauge();
  const oldestOpen = new Gauge();
  const target = new Gauge();
  const issuesGauge = new Gauge();
  const stale = new Gauge();
  for (const definition of settings.definitions) {
    if (definition.targetMs !== null) target.add({ duration: definition.name }, definition.targetMs / 1000);
  }
  const stages = table.keys.stage;
  for (const i of selection) {
    const base = {
      kind: displayKey(table.keys.kind[table.kind[i]!]!),
      segment: displayKey(table.keys.segment[table.segment[i]!]!),
    };
    settings.definitions.forEach((definition, k) => {
      const columns = table.durations[k]!;
      const labels = { duration: definition.name, ...base };
      if (columns.state[i] === FINISHED) {
        finished.observe(labels, columns.ms[i]! / 1000);
        finishedActive.observe(labels, columns.activeMs[i]! / 1000);
      } else if (columns.state[i] === OPEN) {
        open.add({ ...labels, status: STATUSES[columns.status[i]!] ?? 'none' }, 1);
        oldestOpen.add(labels, columns.ms[i]! / 1000, Math.max);
      }
    });
    const closed = table.closed[i] === 1;
    for (let s = 0, cell = i * stages.length; s < stages.length; s++, cell++) {
      if (table.stageTimed[cell] && (s !== table.stage[i] || closed))
        stageTime.observe({ stage: stages[s]!, ...base }, table.stageMs[cell]! / 1000);
    }
    issuesGauge.add({ stage: displayKey(stages[table.stage[i]!]!), ...base, state: closed ? 'closed' : 'open' }, 1);
    if (table.stale[i]) stale.add(base, 1);
  }
  const forecasts = new Gauge();
  for (const [bucket, count] of Object.entries(forecastBuckets(table.forecast, selection, settings)))
    forecasts.add({ bucket }, count);
  const burns = new Gauge();
  for (const [bucket, count] of Object.entries(burnReport(table, selection).byBurn)) burns.add({ bucket }, count);
  return [
    ...family(
      'boardkeeper_duration_seconds',
      'histogram',
      'Finished engagement durations, start event to end event.',
      finished.lines('boardkeeper_duration_seconds'),
    ),
    ...family(
      'boardkeeper_duration_active_seconds',
      'histogram',
      'Finished engagement durations without paused (on-hold, blocked) time.',
      finishedActive.lines('boardkeeper_duration_active_seconds'),
    ),
    ...family(
      'boardkeeper_duration_open',
      'gauge',
      'Engagements whose duration is still running, by target status.',
      open.lines('boardkeeper_duration_open'),
    ),
    ...family(
      'boardkeeper_duration_open_max_elapsed_seconds',
      'gauge',
      'Longest elapsed time among running durations.',
      oldestOpen.lines('boardkeeper_duration_open_max_elapsed_seconds'),
    ),
    ...family(
      'boardkeeper_duration_target_seconds',
      'gauge',
      'Configured target of each duration.',
      target.lines('boardkeeper_duration_target_seconds'),
    ),
    ...family(
      'boardkeeper_stage_time_seconds',
      'histogram',
      'Time per issue in a stage it has left (sum over visits).',
      stageTime.lines('boardkeeper_stage_time_seconds'),
    ),
    ...family('boardkeeper_issues', 'gauge', 'Issues by current stage.', issuesGauge.lines('boardkeeper_issues')),
    ...family(
      'boardkeeper_issues_stale',
      'gauge',
      'Open issues without an update for `staleAfterDays`.',
      stale.lines('boardkeeper_issues_stale'),
    ),
    ...family(
      'boardkeeper_forecast_open_engagements',
      'gauge',
      'Open engagements by forecast chance of meeting the KPI target (likely, uncertain, unlikely, no-target, too-little-history).',
      forecasts.lines('boardkeeper_forecast_open_engagements'),
    ),
    ...family(
      'boardkeeper_burn_open_engagements',
      'gauge',
      'Open engagements by burn, time spent over hours sold or estimated (under-50, 50-80, 80-100, over-100, unknown).',
      burns.lines('boardkeeper_burn_open_engagements'),
    ),
    `# generated ${new Date(nowMs).toISOString()}`,
    '',
  ].join('\n');
}
