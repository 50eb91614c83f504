import type { Transition } from '../../domain/types.js';
import { durationResult } from './metrics.js';
import { issueMetrics, type IssueFacts } from '../durations/issue-metrics.js';
import type { MetricsSettings } from '../durations/settings.js';
import type { Forecast, IssueReport } from '../contract.js';
import { SURFACES, withFieldsOf } from '../table/columns.js';

/** One issue's timeline and durations. Pure. */
export function issueReport(
  facts: IssueFacts,
  transitions: readonly Transition[],
  settings: MetricsSettings,
  nowMs: number,
  forecast: Forecast | null,
): IssueReport {
  const metrics = issueMetrics(facts, settings, nowMs);
  const iso = (ms: number) => new Date(ms).toISOString();
  const head = { version: 1 as const, ...facts.id, generatedAt: iso(nowMs), unit: 'seconds' as const };
  return Object.assign(withFieldsOf(head, SURFACES.issue, metrics), {
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
    forecast,
  });
}
