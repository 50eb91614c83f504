import type { IssueDuration, IssueMetrics } from './issue-metrics.js';
import { DAY_MS } from './measure.js';
import type { MetricsSettings } from './settings.js';
import { stats } from './stats.js';
import type {
  DurationReport,
  DurationResult,
  FinishedEngagement,
  Group,
  MetricsReport,
  OpenEngagement,
  StageReport,
} from './types.js';

const NONE = 'none';
const RISK_ORDER: Record<string, number> = { breached: 0, 'at-risk': 1, 'on-track': 2 };

export const monthOf = (ms: number): string => new Date(ms).toISOString().slice(0, 7);
const iso = (ms: number): string => new Date(ms).toISOString();
const toDays = (ms: number): number => Math.round((ms / DAY_MS) * 100) / 100;

export function durationResult(d: IssueDuration): DurationResult {
  return {
    state: d.state,
    start: iso(d.startMs),
    end: d.endMs === null ? null : iso(d.endMs),
    seconds: d.ms / 1000,
    activeSeconds: d.activeMs / 1000,
    targetSeconds: d.targetMs === null ? null : d.targetMs / 1000,
    status: d.status,
  };
}

class Grouping {
  private readonly groups = new Map<string, { finished: number[]; open: number }>();

  add(key: string, d: IssueDuration): void {
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { finished: [], open: 0 }));
    if (d.state === 'finished') group.finished.push(d.ms);
    else if (d.state === 'open') group.open++;
  }

  report(order: (a: string, b: string) => number): Group[] {
    return [...this.groups.keys()]
      .sort(order)
      .map((key) => ({ key, finished: stats(this.groups.get(key)!.finished), open: this.groups.get(key)!.open }));
  }
}

function stageComparator(settings: MetricsSettings): (a: string, b: string) => number {
  const rank = (stage: string) => {
    const index = settings.stageOrder.indexOf(stage);
    return index === -1 ? settings.stageOrder.length : index;
  };
  return (a, b) => rank(a) - rank(b) || a.localeCompare(b);
}

const byName = (a: string, b: string) => a.localeCompare(b);

function durationReport(name: string, targetMs: number | null, issues: readonly IssueMetrics[], settings: MetricsSettings): DurationReport {
  const finished: number[] = [];
  const finishedActive: number[] = [];
  const elapsed: number[] = [];
  const byStatus = { 'on-track': 0, 'at-risk': 0, breached: 0 };
  let met = 0;
  let stopped = 0;
  const [byKind, bySegment, byStage, byMonth] = [new Grouping(), new Grouping(), new Grouping(), new Grouping()];
  for (const issue of issues) {
    const d = issue.durations.get(name);
    if (!d) continue;
    if (d.state === 'finished') {
      finished.push(d.ms);
      finishedActive.push(d.activeMs);
      if (d.status === 'met') met++;
    } else if (d.state === 'open') {
      elapsed.push(d.ms);
      if (d.status && d.status !== 'met') byStatus[d.status]++;
    } else stopped++;
    byKind.add(issue.kind ?? NONE, d);
    bySegment.add(issue.segment ?? NONE, d);
    byStage.add(issue.stage ?? NONE, d);
    byMonth.add(monthOf(d.startMs), d);
  }
  return {
    name,
    targetSeconds: targetMs === null ? null : targetMs / 1000,
    finished: stats(finished),
    withinTarget: targetMs === null || finished.length === 0 ? null : met / finished.length,
    finishedActive: stats(finishedActive),
    open: { count: elapsed.length, elapsed: stats(elapsed), byStatus },
    stopped,
    byKind: byKind.report(byName),
    bySegment: bySegment.report(byName),
    byStage: byStage.report(stageComparator(settings)),
    byMonth: byMonth.report(byName),
  };
}

function stageReports(issues: readonly IssueMetrics[], settings: MetricsSettings, nowMs: number): StageReport[] {
  const perStage = new Map<string, { finished: number[]; visits: number; current: number[] }>();
  const entry = (stage: string) => {
    let found = perStage.get(stage);
    if (!found) perStage.set(stage, (found = { finished: [], visits: 0, current: [] }));
    return found;
  };
  for (const issue of issues) {
    for (const [stage, count] of issue.visits) if (!settings.terminalStages.has(stage)) entry(stage).visits += count;
    for (const [stage, ms] of issue.stageMs) {
      if (stage === issue.stage && !issue.closed) entry(stage).current.push(settings.measure(issue.stageSinceMs, nowMs));
      else entry(stage).finished.push(ms);
    }
  }
  return [...perStage.keys()].sort(stageComparator(settings)).map((stage) => {
    const { finished, visits, current } = perStage.get(stage)!;
    return { stage, finished: stats(finished), visits, current: { count: current.length, elapsed: stats(current) } };
  });
}

function engagement(issue: IssueMetrics, d: IssueDuration) {
  return {
    ...issue.id,
    title: issue.title,
    kind: issue.kind,
    segment: issue.segment,
    start: iso(d.startMs),
    seconds: d.ms / 1000,
    activeSeconds: d.activeMs / 1000,
    days: toDays(d.ms),
    targetDays: d.targetMs === null ? null : d.targetMs / DAY_MS,
    status: d.status,
  };
}

function kpiReport(issues: readonly IssueMetrics[], settings: MetricsSettings, report: DurationReport | undefined): MetricsReport['kpi'] {
  const definition = settings.definitions.find((d) => d.name === settings.kpi);
  const finished: (FinishedEngagement & { endMs: number })[] = [];
  const open: (OpenEngagement & { ms: number })[] = [];
  for (const issue of issues) {
    const d = issue.durations.get(settings.kpi);
    if (d?.state === 'finished') finished.push({ ...engagement(issue, d), end: iso(d.endMs!), endMs: d.endMs! });
    else if (d?.state === 'open') open.push({ ...engagement(issue, d), stage: issue.stage, ms: d.ms });
  }
  finished.sort((a, b) => b.endMs - a.endMs);
  open.sort((a, b) => (RISK_ORDER[a.status ?? ''] ?? 3) - (RISK_ORDER[b.status ?? ''] ?? 3) || b.ms - a.ms);
  return {
    name: settings.kpi,
    targetDays: definition?.targetMs == null ? null : definition.targetMs / DAY_MS,
    atRiskAfterDays: definition?.atRiskMs == null ? null : definition.atRiskMs / DAY_MS,
    finished: finished.map(({ endMs: _endMs, ...row }) => row),
    open: open.map(({ ms: _ms, ...row }) => row),
    trend: (report?.byMonth ?? [])
      .filter((group) => group.finished.count > 0)
      .map((group) => ({ month: group.key, count: group.finished.count, median: group.finished.median, p90: group.finished.p90 })),
  };
}

/** The /metrics report over already filtered issues. Pure. */
export function buildReport(
  issues: readonly IssueMetrics[],
  settings: MetricsSettings,
  nowMs: number,
  filter: Record<string, string>,
): MetricsReport {
  const durations = settings.definitions.map((d) => durationReport(d.name, d.targetMs, issues, settings));
  const currentStages = new Map<string, number>();
  for (const issue of issues) currentStages.set(issue.stage ?? NONE, (currentStages.get(issue.stage ?? NONE) ?? 0) + 1);
  const closed = issues.filter((issue) => issue.closed).length;
  return {
    version: 1,
    generatedAt: iso(nowMs),
    unit: 'seconds',
    measure: settings.measureName,
    filter,
    issues: {
      total: issues.length,
      open: issues.length - closed,
      closed,
      stale: issues.filter((issue) => issue.stale).length,
      suggestLost: issues.filter((issue) => issue.suggestLost).length,
      byStage: [...currentStages.keys()]
        .sort(stageComparator(settings))
        .map((stage) => ({ stage, count: currentStages.get(stage)! })),
    },
    durations,
    stages: stageReports(issues, settings, nowMs),
    kpi: kpiReport(issues, settings, durations.find((d) => d.name === settings.kpi)),
  };
}
