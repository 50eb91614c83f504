import { configSchema, type ConfigInput } from '../../../../src/config/schema.js';
import type { IssueState, Transition } from '../../../../src/domain/types.js';
import { computeIssues } from '../../../../src/metrics/durations/issue-metrics.js';
import { issueFacts } from '../../../../src/metrics/durations/issue-facts.js';
import type { IssueMetrics } from '../../../../src/metrics/durations/issue-metrics.js';
import { metricsSettings, type MetricsSettings } from '../../../../src/metrics/durations/settings.js';
import { SqliteStore } from '../../../../src/store/sqlite.js';

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
export function finished(
  iid: number,
  start: number,
  deploymentDays: number,
  configurationDays: number,
  segment = 'mm',
): Engagement {
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

/** What the service knows of engagement `iid` (GitLab project `ps`, segment `mm`) as of `nowMs`. */
export function stateOf(iid: number, nowMs: number, known: Partial<IssueState> = {}): IssueState {
  return {
    ref: { forge: 'gitlab', project: 'ps', iid },
    kind: 'sow-request',
    stage: null,
    stageBeforeHold: null,
    stageBeforeClose: null,
    labels: [],
    commentDigest: null,
    segment: 'mm',
    title: `engagement ${iid}`,
    createdAt: null,
    closedAt: null,
    updatedAt: new Date(nowMs).toISOString(),
    extra: {},
    ...known,
  };
}

/** An in-memory store holding the engagements' transitions and states, as the worker would have left it. */
export async function storeWith(engagements: Engagement[], state: (iid: number) => IssueState): Promise<SqliteStore> {
  const store = new SqliteStore({ path: ':memory:' });
  await store.migrate();
  await store.recordTransitions(engagements.flatMap(transitionsOf));
  for (const engagement of engagements) await store.putIssueState(state(engagement.iid));
  return store;
}
