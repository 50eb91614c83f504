import type { Transition } from '../domain/types.js';
import { durationResult } from './aggregate.js';
import type { MetricsFilter } from './filter.js';
import { issueMetrics, type IssueFacts, type IssueMetrics } from './issue-metrics.js';
import type { MetricsSettings } from './settings.js';
import type { IssueTable } from './table.js';
import type { IssueReport } from './types.js';

/** Every issue's metrics as of `nowMs`. Pure. */
export function computeIssues(facts: readonly IssueFacts[], settings: MetricsSettings, nowMs: number): IssueMetrics[] {
  return facts.map((issue) => issueMetrics(issue, settings, nowMs));
}

function hasLabel(table: IssueTable, i: number, label: number): boolean {
  for (let at = table.labelStart[i]!; at < table.labelStart[i + 1]!; at++) if (table.label[at] === label) return true;
  return false;
}

/** Rows of the table the filter selects. A kind, segment, stage or label no issue has selects none. */
export function selectIssues(table: IssueTable, filter: MetricsFilter): Uint32Array {
  const idOf = (keys: readonly (string | null)[], value: string | undefined) => (value === undefined ? undefined : keys.indexOf(value));
  const [kind, segment, stage, label] = [
    idOf(table.keys.kind, filter.kind),
    idOf(table.keys.segment, filter.segment),
    idOf(table.keys.stage, filter.stage),
    idOf(table.keys.label, filter.label),
  ];
  const closed = filter.state === undefined ? undefined : filter.state === 'closed' ? 1 : 0;
  const selected: number[] = [];
  for (let i = 0; i < table.size; i++) {
    if (kind !== undefined && table.kind[i] !== kind) continue;
    if (segment !== undefined && table.segment[i] !== segment) continue;
    if (stage !== undefined && table.stage[i] !== stage) continue;
    if (closed !== undefined && table.closed[i] !== closed) continue;
    if (filter.fromMs !== undefined && table.createdMs[i]! < filter.fromMs) continue;
    if (filter.toMs !== undefined && table.createdMs[i]! >= filter.toMs) continue;
    if (label !== undefined && !hasLabel(table, i, label)) continue;
    selected.push(i);
  }
  return Uint32Array.from(selected);
}

/** One issue's timeline and durations. Pure. */
export function issueReport(
  facts: IssueFacts,
  transitions: readonly Transition[],
  settings: MetricsSettings,
  nowMs: number,
): IssueReport {
  const metrics = issueMetrics(facts, settings, nowMs);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    version: 1,
    ...facts.id,
    generatedAt: iso(nowMs),
    unit: 'seconds',
    kind: metrics.kind,
    segment: metrics.segment,
    state: metrics.closed ? 'closed' : 'open',
    stage: metrics.stage,
    openSeconds: metrics.openMs / 1000,
    stale: metrics.stale,
    suggestLost: metrics.suggestLost,
    timeline: metrics.segments.map((s) => ({
      stage: s.stage,
      from: iso(s.startMs),
      to: iso(s.endMs),
      seconds: settings.measure(s.startMs, s.endMs) / 1000,
      paused: s.paused,
    })),
    stageSeconds: Object.fromEntries([...metrics.stageMs].map(([stage, ms]) => [stage, ms / 1000])),
    durations: Object.fromEntries([...metrics.durations].map(([name, d]) => [name, durationResult(d)])),
    transitions: [...transitions]
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
      .map(({ from, to, at, actor, source }) => ({ from, to, at, actor, source })),
  };
}
