import { setImmediate } from 'node:timers/promises';
import { noAlerts, type Alerter } from '../alerts/alert.js';
import type { Config } from '../config/schema.js';
import { issueKey, type Action, type AuditEntry, type ForgeName, type IssueState } from '../domain/types.js';
import { executeActions } from '../actions/executor.js';
import { isForgeError } from '../forges/errors.js';
import type { ForgeClient } from '../forges/forge.js';
import { issueFacts } from '../metrics/durations/issue-facts.js';
import type { IssueFacts } from '../metrics/durations/issue-metrics.js';
import { metricsSettings } from '../metrics/durations/settings.js';
import { buildTimeline } from '../metrics/durations/timeline.js';
import { evaluatePolicies } from '../policies/evaluate.js';
import { policyFacts } from '../policies/facts.js';
import { parsePolicyMemory } from '../policies/memory.js';
import { resolvePolicies } from '../policies/resolve.js';
import { EMPTY_MEMORY, type Evaluation, type PolicyFacts, type PolicyStep } from '../policies/types.js';
import { LeaseLostError, type JobContext, type JobLog, type LeasedJob, type Schedule } from '../jobs/job.js';
import { runLeasedJob } from '../jobs/run.js';
import { sinceLastFinish } from '../jobs/schedules.js';
import type { PolicyMemoryRow, Store } from '../store/store.js';
import { sweepForecasts } from './forecast.js';
import { rowResult, type SweepReport, type SweepRow } from './report.js';

/** The store lease only one sweeper holds at a time, and the audit's delivery id for sweep actions. */
export const SWEEP_LEASE = 'sweep';
export const SWEEP_SOURCE = 'sweep';
/** Issues evaluated between two turns of the event loop. */
const YIELD_EVERY_ISSUES = 200;
/** Issues acted on at once (each issue's own actions stay in order). */
const ISSUES_AT_ONCE = 4;

export interface SweepOptions {
  config: Config;
  store: Store;
  /** null: that forge is in dry-run (actions are audited as planned). */
  clients: Record<ForgeName, ForgeClient | null>;
  alerter: Alerter;
  /** This sweeper (replica, process) as the lease holder. */
  holder: string;
  /** The clock the policies measure time with (the demo's is simulated). */
  now?: () => Date;
  /** `sweep --dry-run`: plan only. No lease, no forge call, no alert, nothing stored. */
  preview?: boolean;
  log?: JobLog;
}

/** Issues the policies look at: those with a known kind (engagements, initiatives), with or without transitions. */
function sweptIssues(withHistory: IssueFacts[], states: IssueState[]): IssueFacts[] {
  const seen = new Set(withHistory.map((facts) => issueKey(facts.id)));
  const stateOnly = states
    .filter((state) => !seen.has(issueKey(state.ref)))
    .map(
      (state): IssueFacts => ({
        id: state.ref,
        state,
        kind: state.kind,
        segment: state.segment,
        timeline: buildTimeline([]),
      }),
    );
  return [...withHistory, ...stateOnly].filter((facts) => (facts.state?.kind ?? facts.kind) !== null);
}

function describeStep(step: PolicyStep): string {
  if (step.type === 'labels')
    return ['labels', ...step.add.map((l) => `+${l}`), ...step.remove.map((l) => `-${l}`)].join(' ');
  if (step.type === 'comment') return `comment ${step.marker}`;
  return `alert ${step.alert.kind}`;
}

function toAction(step: Exclude<PolicyStep, { type: 'alert' }>): Action {
  const reason = `policy: ${step.policy}`;
  return step.type === 'labels'
    ? { type: 'labels', add: step.add, remove: step.remove, reason }
    : { type: 'comment', marker: step.marker, body: step.body, reason };
}

/** What a sweep needs beyond its lease. */
export type SweepInputs = Omit<SweepOptions, 'holder' | 'preview'>;

interface SweepContext {
  options: SweepInputs;
  now: () => Date;
  /** The sweep job's lease; null in a preview, which holds nothing and stores nothing. */
  lease: JobContext | null;
}

async function storeMemory(lease: JobContext, key: string, evaluation: Evaluation): Promise<void> {
  if (!(await lease.store.putPolicyMemory([{ key, memory: evaluation.memory }], lease.hold)))
    throw new LeaseLostError(lease.hold.name);
}

/**
 * Carry out one issue's steps: forge changes through the executor (audited like webhook actions,
 * delivery id `sweep`), then the issue's policy memory (only while the lease holds), then alerts.
 * Alerts go last so a failed or fenced-off issue alerts nobody; it is tried again next sweep.
 */
async function act(context: SweepContext, facts: PolicyFacts, evaluation: Evaluation): Promise<SweepRow[]> {
  const { options, lease } = context;
  const issue = issueKey(facts.ref);
  const forgeSteps = evaluation.steps.filter(
    (step): step is Exclude<PolicyStep, { type: 'alert' }> => step.type !== 'alert',
  );
  const applied: AuditEntry[] = [];
  const rowsFor = (entries: AuditEntry[]) =>
    entries.map((entry, i) => ({
      issue,
      policy: forgeSteps[i]!.policy,
      action: describeStep(forgeSteps[i]!),
      result: rowResult(entry.result),
    }));
  // Before touching the forge: a sweeper that stalled past its lease must not act beside its successor.
  await lease?.keepLease();
  const client = !lease ? null : options.clients[facts.ref.forge];
  try {
    await executeActions(
      { client, ref: facts.ref, deliveryId: SWEEP_SOURCE, now: context.now, knownLabels: [...facts.labels] },
      forgeSteps.map(toAction),
      (entry) => applied.push(entry),
    );
  } catch (error) {
    if (lease) await options.store.recordAudit(applied);
    // An issue deleted or moved on the forge is not tried again every sweep: its memory is kept as if done.
    const gone = isForgeError(error) && error.kind === 'not-found';
    if (gone && lease) await storeMemory(lease, issue, evaluation);
    else options.log?.warn({ err: error, issue }, 'sweep: a forge action failed; the issue is tried again next sweep');
    return rowsFor(applied);
  }
  const alerts = evaluation.steps.filter((step) => step.type === 'alert');
  if (lease) {
    await options.store.recordAudit(applied);
    await storeMemory(lease, issue, evaluation);
    for (const step of alerts) await options.alerter.send(step.alert);
  }
  // With no receiver configured nothing is sent: the report says so instead of "applied".
  const alertResult = !lease ? 'planned' : options.alerter === noAlerts ? 'skipped' : 'applied';
  return [
    ...rowsFor(applied),
    ...alerts.map((step) => ({ issue, policy: step.policy, action: describeStep(step), result: alertResult }) as const),
  ];
}

/**
 * One sweep over every issue the store knows: evaluate the policies and carry out what they ask.
 * Reads the store only; the forge is called only for actual changes. Returns null when another
 * sweeper holds the lease.
 */
export async function runSweep(options: SweepOptions): Promise<SweepReport | null> {
  const now = options.now ?? (() => new Date());
  if (options.preview) return sweep({ options, now, lease: null });
  // On demand (the command, the demo): due whenever the lease is free.
  const job = sweepJob(options, sinceLastFinish(0, options.config.sweep.intervalMinutes * 60_000));
  const run = await runLeasedJob(job, { store: options.store, holder: options.holder, log: options.log ?? quiet, now });
  return run.status === 'ran' ? run.result : null;
}

const quiet: JobLog = { info: () => {}, warn: () => {}, error: () => {} };

/** The sweep as a leased job: under `serve`, once per `schedule` across replicas. */
export function sweepJob(options: SweepInputs, schedule: Schedule): LeasedJob<SweepReport> {
  return {
    name: SWEEP_LEASE,
    schedule,
    leaseMs: options.config.sweep.leaseSeconds * 1000,
    run: (lease) => sweep({ options, now: lease.now, lease }),
    summarize: (report) => ({
      changes: report.rows.filter((row) => row.result !== 'skipped').length,
      failed: report.rows.filter((row) => row.result === 'failed').length,
    }),
  };
}

async function sweep(context: SweepContext): Promise<SweepReport> {
  const { options, now, lease } = context;
  const { config, store } = options;
  const started = performance.now();
  const startedAt = now().toISOString();
  const policies = resolvePolicies(config);
  const settings = metricsSettings(config);
  const [states, transitions, memoryRows] = await Promise.all([
    store.issueStates({}),
    store.transitions({}),
    store.policyMemory(),
  ]);
  const memories = new Map(memoryRows.map((row) => [row.key, parsePolicyMemory(row.memory)]));
  const nowMs = now().getTime();
  const acting: { facts: PolicyFacts; evaluation: Evaluation }[] = [];
  const quiet: PolicyMemoryRow[] = [];
  const withHistory = issueFacts(transitions, states);
  const forecast = sweepForecasts(withHistory, settings, nowMs);
  let evaluated = 0;
  for (const issue of sweptIssues(withHistory, states)) {
    // Under serve the sweep shares the engine thread with the worker: let deliveries and lease renewals through.
    if (++evaluated % YIELD_EVERY_ISSUES === 0) await setImmediate();
    let facts = policyFacts(issue, settings, nowMs);
    const key = issueKey(facts.ref);
    const memory = memories.get(key) ?? EMPTY_MEMORY;
    let evaluation = evaluatePolicies(facts, policies, nowMs, memory, settings.kpi);
    if (!evaluation.memoryChanged) continue;
    // Simulated only for a step that shows it: forecasting every open engagement each sweep would be waste.
    if (evaluation.showsForecast) {
      facts = { ...facts, forecast: forecast(issue) };
      evaluation = evaluatePolicies(facts, policies, nowMs, memory, settings.kpi);
    }
    if (evaluation.steps.length === 0) quiet.push({ key, memory: evaluation.memory });
    else acting.push({ facts, evaluation });
  }
  // Issues are independent: a few at a time keep the forge clients' request policy busy (it caps each forge).
  const results: SweepRow[][] = new Array(acting.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < acting.length; i = next++)
      results[i] = await act(context, acting[i]!.facts, acting[i]!.evaluation);
  };
  await Promise.all(Array.from({ length: Math.min(ISSUES_AT_ONCE, acting.length) }, lane));
  const rows = results.flat();
  if (lease && quiet.length > 0 && !(await store.putPolicyMemory(quiet, lease.hold)))
    throw new LeaseLostError(lease.hold.name);
  return { startedAt, durationMs: Math.round(performance.now() - started), rows };
}
