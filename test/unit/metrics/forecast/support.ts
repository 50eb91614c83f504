import { configSchema, type ConfigInput } from '../../../../src/config/schema.js';
import type { Transition } from '../../../../src/domain/types.js';
import { computeIssues } from '../../../../src/metrics/compute.js';
import { issueFacts } from '../../../../src/metrics/facts.js';
import type { IssueMetrics } from '../../../../src/metrics/issue-metrics.js';
import { metricsSettings, type MetricsSettings } from '../../../../src/metrics/settings.js';

export const DAY = 86_400_000;
export const T0 = Date.parse('2026-01-01T00:00:00Z');

export function settingsWith(forecast: ConfigInput['forecast'] = {}): MetricsSettings {
  return metricsSettings(configSchema.parse({ forecast: { draws: 2_000, ...forecast } }));
}

export interface Engagement {
  iid: number;
  segment?: string;
  kind?: string;
  /** [stage, day after T0], in order. */
  stages: [string, number][];
}

export function transitionsOf({ iid, segment = 'mm', kind = 'sow-request', stages }: Engagement): Transition[] {
  return stages.map(([to, day], index) => ({
    forge: 'gitlab',
    project: 'ps',
    iid,
    from: index === 0 ? null : stages[index - 1]![0],
    to,
    at: new Date(T0 + day * DAY).toISOString(),
    actor: 'ie',
    source: 'webhook',
    kind,
    segment,
  }));
}

/** A finished implementation: deployment at `start`, configuration after `deploymentDays`, live after `configurationDays` more. */
export function finished(iid: number, start: number, deploymentDays: number, configurationDays: number, segment = 'mm'): Engagement {
  return {
    iid,
    segment,
    stages: [
      ['kickoff', start - 3],
      ['deployment', start],
      ['configuration', start + deploymentDays],
      ['production-live', start + deploymentDays + configurationDays],
    ],
  };
}

export function metricsOf(engagements: Engagement[], settings: MetricsSettings, nowMs: number): IssueMetrics[] {
  return computeIssues(issueFacts(engagements.flatMap(transitionsOf), []), settings, nowMs);
}
