import { setImmediate } from 'node:timers/promises';
import { noAlerts, type Alerter } from '../alerts/alert.js';
import type { Config } from '../config/schema.js';
import { issueKey, type Action, type AuditEntry, type ForgeName, type IssueState } from '../domain/types.js';
import { executeActions } from '../engine/executor.js';
import { isForgeError } from '../forges/errors.js';
import type { ForgeClient } from '../forges/forge.js';
import type { Logger } from '../logger.js';
import { issueFacts } from '../metrics/facts.js';
import type { IssueFacts } from '../metrics/issue-metrics.js';
import { metricsSettings } from '../metrics/settings.js';
import { buildTimeline } from '../metrics/timeline.js';
import { evaluatePolicies } from '../policies/evaluate.js';
import { policyFacts } from '../policies/facts.js';
import { parsePolicyMemory } from '../policies/memory.js';
import { resolvePolicies } from '../policies/resolve.js';
import { EMPTY_MEMORY, type Evaluation, type PolicyFacts, type PolicyStep } from '../policies/types.js';
import type { LeaseHold, PolicyMemoryRow, Store } from '../store/store.js';
import { sweepForecasts } from './forecast.js';
import { rowResult, type SweepReport, type SweepRow } from './report.js';

/** The store lease only one sweeper holds at a time, and the audit's delivery id for sweep actions. */
export const SWEEP_LEASE = 'sweep';
export const SWEEP_SOURCE = 'sweep';
/** Issues evaluated between two turns of the event loop. */
const YIELD_EVERY_ISSUES = 200;
/** Cursor: when the last sweep finished, so replicas sweep once per interval between them. */
const FINISHED_CURSOR = 'sweep.finishedAt';
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
  /** Skip when another sweep finished less than this long ago (replicas share one interval). */
  skipIfSweptWithinMs?: number;
  log?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** The sweep lease was lost mid-sweep (this process stalled past it and another sweeper took over). */
export class LeaseLostError extends Error {
  constructor() {
    super('the sweep lease was taken over by another sweeper; this sweep stopped');
    this.name = 'LeaseLostError';
  }
}

/** Issues the policies look at: those with a known kind (engagements, initiatives), with or without transitions. */
function sweptIssues(withHistory: IssueFacts[], states: IssueState[]): IssueFacts[] {
  const seen = new Set(withHistory.map((facts) => issueKey(facts.id)));
  const stateOnly = states
    .filter((state) => !seen.has(issueKey(state.ref)))
    .map((state): IssueFacts => ({ id: state.ref, state, kind: state.kind, segment: state.segment, timeline: buildTimeline([]) }));
  return [...withHistory, ...stateOnly].filter((facts) => (facts.state?.kind ?? facts.kind) !== null);
}

function describeStep(step: PolicyStep): string {
  if (step.type === 'labels') return ['labels', ...step.add.map((l) => `+${l}`), ...step.remove.map((l) => `-${l}`)].join(' ');
  if (step.type === 'comment') return `comment ${step.marker}`;
  return `alert ${step.alert.kind}`;
}

function toAction(step: Exclude<PolicyStep, { type: 'alert' }>): Action {
  const reason = `policy: ${step.policy}`;
  return step.type === 'labels'
    ? { type: 'labels', add: step.add, remove: step.remove, reason }
    : { type: 'comment', marker: step.marker, body: step.body, reason };
}

interface SweepContext {
  options: SweepOptions;
  hold: LeaseHold;
  now: () => Date;
  /** Renew the lease, or throw LeaseLostError when another sweeper has it now. */
  keepLease: () => Promise<void>;
}

async function storeMemory(context: SweepContext, key: string, evaluation: Evaluation): Promise<void> {
  if (!(await context.options.store.putPolicyMemory([{ key, memory: evaluation.memory }], context.hold))) throw new LeaseLostError();
}

/**
 * Carry out one issue's steps: forge changes through the executor (audited like webhook actions,
 * delivery id `sweep`), then the issue's policy memory (only while the lease holds), then alerts.
 * Alerts go last so a failed or fenced-off issue alerts nobody; it is tried again next sweep.
 */
async function act(context: SweepContext, facts: PolicyFacts, evaluation: Evaluation): Promise<SweepRow[]> {
  const { options } = context;
  const issue = issueKey(facts.ref);
  const forgeSteps = evaluation.steps.filter((step): step is Exclude<PolicyStep, { type: 'alert' }> => step.type !== 'alert');
  const applied: AuditEntry[] = [];
  const rowsFor = (entries: AuditEntry[]) =>
    entries.map((entry, i) => ({ issue, policy: forgeSteps[i]!.policy, action: describeStep(forgeSteps[i]!), result: rowResult(entry.result) }));
  // Before touching the forge: a sweeper that stalled past its lease must not act beside its successor.
  if (!options.preview) await context.keepLease();
  const client = options.preview ? null : options.clients[facts.ref.forge];
  try {
    await executeActions(
      { client, ref: facts.ref, deliveryId: SWEEP_SOURCE, now: context.now, knownLabels: [...facts.labels] },
      forgeSteps.map(toAction),
      (entry) => applied.push(entry),
    );
  } catch (error) {
    if (!options.preview) await options.store.recordAudit(applied);
    // An issue deleted or moved on the forge is not tried again every sweep: its memory is kept as if done.
    const gone = isForgeError(error) && error.kind === 'not-found';
    if (gone && !options.preview) await storeMemory(context, issue, evaluation);
    else options.log?.warn({ err: error, issue }, 'sweep: a forge action failed; the issue is tried again next sweep');
    return rowsFor(applied);
  }
  const alerts = evaluation.steps.filter((step) => step.type === 'alert');
  if (!options.preview) {
    await options.store.recordAudit(applied);
    await storeMemory(context, issue, evaluation);
    for (const step of alerts) await options.alerter.send(step.alert);
  }
  // With no receiver configured nothing is sent: the report says so instead of "applied".
  const alertResult = options.preview ? 'planned' : options.alerter === noAlerts ? 'skipped' : 'applied';
  return [...rowsFor(applied), ...alerts.map((step) => ({ issue, policy: step.policy, action: describeStep(step), result: alertResult }) as const)];
}

/**
 * One sweep over every issue the store knows: evaluate the policies and carry out what they ask.
 * Reads the store only; the forge is called only for actual changes. Returns null when another
 * sweeper holds the lease (or swept within `skipIfSweptWithinMs`).
 */
export async function runSweep(options: SweepOptions): Promise<SweepReport | null> {
  const { config, store } = options;
  const now = options.now ?? (() => new Date());
  const started = performance.now();
  const startedAt = now().toISOString();
  const hold: LeaseHold = { name: SWEEP_LEASE, holder: options.holder };
  const leaseMs = config.sweep.leaseSeconds * 1000;
  if (!options.preview && !(await store.holdLease(hold, leaseMs))) return null;
  let lost = false;
  const heartbeat = options.preview
    ? null
    : setInterval(() => {
        store.holdLease(hold, leaseMs).then(
          (held) => (lost ||= !held),
          (error: unknown) => options.log?.warn({ err: error }, 'sweep: renewing the lease failed'),
        );
      }, leaseMs / 3);
  heartbeat?.unref();
  try {
    if (!options.preview && options.skipIfSweptWithinMs) {
      const finished = Date.parse((await store.getCursor(FINISHED_CURSOR)) ?? '');
      if (Date.now() - finished < options.skipIfSweptWithinMs) return null;
    }
    const policies = resolvePolicies(config);
    const settings = metricsSettings(config);
    const [states, transitions, memoryRows] = await Promise.all([store.issueStates({}), store.transitions({}), store.policyMemory()]);
    const memories = new Map(memoryRows.map((row) => [row.key, parsePolicyMemory(row.memory)]));
    const nowMs = now().getTime();
    const keepLease = async () => {
      lost ||= !(await store.holdLease(hold, leaseMs));
      if (lost) throw new LeaseLostError();
    };
    const context: SweepContext = { options, hold, now, keepLease };
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
      for (let i = next++; i < acting.length; i = next++) results[i] = await act(context, acting[i]!.facts, acting[i]!.evaluation);
    };
    await Promise.all(Array.from({ length: Math.min(ISSUES_AT_ONCE, acting.length) }, lane));
    const rows = results.flat();
    if (!options.preview) {
      if (quiet.length > 0 && !(await store.putPolicyMemory(quiet, hold))) throw new LeaseLostError();
      await store.setCursor(FINISHED_CURSOR, new Date().toISOString());
    }
    return { startedAt, durationMs: Math.round(performance.now() - started), rows };
  } finally {
    if (heartbeat) clearInterval(heartbeat);
    // Free the lease at once: the next sweep (any replica's, or a `sweep` command) need not wait for it to lapse.
    if (!options.preview && !lost) await store.holdLease(hold, 0).catch(() => {});
  }
}
