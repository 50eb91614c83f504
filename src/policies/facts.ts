import { readWebUrl } from '../domain/issue-memory.js';
import { issueMetrics, type IssueFacts } from '../metrics/durations/issue-metrics.js';
import type { MetricsSettings } from '../metrics/durations/settings.js';
import type { PolicyFacts } from './types.js';

/**
 * What the policies see of one issue at `nowMs`: its metrics (the same as /metrics) plus idle time
 * and assignees. Pure. No forecast: it costs a simulation, so the caller adds its text only where a
 * step shows it (Evaluation.showsForecast).
 */
export function policyFacts(facts: IssueFacts, settings: MetricsSettings, nowMs: number): PolicyFacts {
  const metrics = issueMetrics(facts, settings, nowMs);
  const { state } = facts;
  // The issue's page as its webhook gave it (the alert links to it).
  const url = state && readWebUrl(state.extra);
  return {
    ref: state?.ref ?? facts.id,
    title: metrics.title,
    ...(typeof url === 'string' ? { url } : {}),
    open: !metrics.closed,
    stage: metrics.stage,
    kind: metrics.kind,
    labels: metrics.labels,
    idleMs: Number.isFinite(metrics.idleMs) ? Math.max(0, metrics.idleMs) : 0,
    durations: metrics.durations,
    // The state's, else what the recorded history ends with (a backfilled issue's state has none).
    assignees: [...metrics.assignees],
    forecast: null,
  };
}
