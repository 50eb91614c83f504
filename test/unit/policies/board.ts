import { configSchema, type Config, type ConfigInput } from '../../../src/config/schema.js';
import type { IssueState, Transition } from '../../../src/domain/types.js';
import type { IssueFacts } from '../../../src/metrics/durations/issue-metrics.js';
import { metricsSettings } from '../../../src/metrics/durations/settings.js';
import { buildTimeline } from '../../../src/metrics/durations/timeline.js';
import { evaluatePolicies } from '../../../src/policies/evaluate.js';
import { policyFacts } from '../../../src/policies/facts.js';
import { resolvePolicies } from '../../../src/policies/resolve.js';
import { EMPTY_MEMORY, type Evaluation, type PolicyMemory, type PolicyStep } from '../../../src/policies/types.js';

export const DAY = 86_400_000;
export const T0 = Date.parse('2026-03-02T00:00:00Z'); // a Monday

export const iso = (ms: number) => new Date(ms).toISOString();

/** One engagement: its stage moves (stage, ms) and what the service knows of it now. */
export interface Engagement {
  moves: [stage: string, atMs: number][];
  labels?: string[];
  closedAtMs?: number;
  /** When a person last changed it (default: the last move). */
  personAtMs?: number;
  assignees?: string[];
  kind?: string;
}

export function issue(e: Engagement): IssueFacts {
  const ref = { forge: 'gitlab' as const, project: '42', iid: 7 };
  const transitions: Transition[] = e.moves.map(([to, atMs], i) => ({
    ...ref,
    from: i === 0 ? null : e.moves[i - 1]![0],
    to,
    at: iso(atMs),
    actor: 'ie-alex',
    source: 'webhook',
    kind: e.kind ?? 'sow-request',
  }));
  const lastMs = Math.max(...e.moves.map(([, at]) => at));
  const state: IssueState & { assignees?: string[] } = {
    ref,
    kind: e.kind ?? 'sow-request',
    stage: e.moves.at(-1)![0],
    stageBeforeHold: null,
    stageBeforeClose: null,
    labels: e.labels ?? [],
    commentDigest: null,
    segment: null,
    title: 'SOW: Initech',
    createdAt: iso(e.moves[0]![1]),
    closedAt: e.closedAtMs === undefined ? null : iso(e.closedAtMs),
    // The bot's own echoes move updatedAt; only a person's change moves the activity.
    updatedAt: iso(lastMs + DAY),
    extra: { activity: { personAt: iso(e.personAtMs ?? lastMs) } },
    ...(e.assignees ? { assignees: e.assignees } : {}),
  };
  return { id: ref, state, kind: state.kind, segment: null, timeline: buildTimeline(transitions) };
}

export function configWith(input: ConfigInput = {}): Config {
  return configSchema.parse(input);
}

export const DEFAULT_CONFIG = configWith();

export function evaluate(
  subject: IssueFacts,
  nowMs: number,
  memory: PolicyMemory = EMPTY_MEMORY,
  config: Config = DEFAULT_CONFIG,
  forecast: string | null = null,
): Evaluation {
  const settings = metricsSettings(config);
  const facts = { ...policyFacts(subject, settings, nowMs), forecast };
  return evaluatePolicies(facts, resolvePolicies(config), nowMs, memory, settings.kpi);
}

/** The forge after the steps: labels applied in order (what the executor does). */
export function applyLabels(labels: readonly string[], steps: PolicyStep[]): string[] {
  const now = new Set(labels);
  for (const step of steps) {
    if (step.type !== 'labels') continue;
    for (const label of step.remove) now.delete(label);
    for (const label of step.add) now.add(label);
  }
  return [...now].sort();
}

export function withLabels(subject: IssueFacts, labels: string[]): IssueFacts {
  return { ...subject, state: { ...subject.state!, labels } };
}

/** Steps, compactly: `policy labels +a -b`, `policy comment <marker>`, `policy alert kind`. */
export function brief(steps: PolicyStep[]): string[] {
  return steps.map((step) => {
    if (step.type === 'labels')
      return `${step.policy} labels ${[...step.add.map((l) => `+${l}`), ...step.remove.map((l) => `-${l}`)].join(' ')}`;
    if (step.type === 'comment') return `${step.policy} comment ${step.marker}`;
    return `${step.policy} alert ${step.alert.kind}`;
  });
}
