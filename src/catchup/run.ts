import { noAlerts, type Alerter } from '../alerts/alert.js';
import type { Config } from '../config/schema.js';
import type { ForgeName } from '../domain/types.js';
import { countApiCalls } from '../forges/call-count.js';
import type { ForgeClient, ForgeHook } from '../forges/forge.js';
import { DISCARD_METRICS, type MetricsSink } from '../observability/events.js';
import type { JobContext, JobLog, LeasedJob, Schedule } from '../jobs/job.js';
import { runLeasedJob } from '../jobs/run.js';
import { everyInterval, sinceLastFinish } from '../jobs/schedules.js';
import type { Store } from '../store/store.js';
import { alertOnHookHealth, alertOnSilence } from './health.js';
import { coveredProjects, findHooks } from './hooks.js';
import { catchUpFromLog, type LogClient } from './log-pass.js';
import { reconcileFromForge } from './reconcile.js';
import { hookName, type CatchUpReport, type HookReport } from './report.js';

/** The store lease one catch-up pass holds at a time (across replicas and the `catch-up` command). */
export const CATCH_UP_LEASE = 'catch-up';
const FORGES: ForgeName[] = ['gitlab', 'github'];
/** How far back each forge's delivery log goes (GitHub: 3 days; GitLab: 7). */
const LOG_DAYS: Record<ForgeName, number> = { github: 3, gitlab: 7 };
const DAY_MS = 86_400_000;
/** A process starting this soon after a pass finished (another replica's) does not run one of its own. */
export const CATCH_UP_START_GAP_MS = 2 * 60_000;
/** Cursor: when the last pass that reconciled a forge started (its issues are caught up to there). */
const reconciledCursor = (forge: ForgeName) => `catch-up.reconciledAt:${forge}`;

export interface CatchUpInputs {
  config: Config;
  store: Store;
  /** Read the forges' hooks, logs and issues; null where a forge has no credentials. */
  clients: Record<ForgeName, ForgeClient | null>;
  /** Carry out the rules' actions after a reconcile; null where the forge is in dry-run. Default: `clients`. */
  actors?: Record<ForgeName, ForgeClient | null>;
  alerter?: Alerter;
  metrics?: MetricsSink;
  /** Look back to here instead of the last delivery stored. */
  since?: string;
  onProgress?: (line: string) => void;
}

export interface CatchUpOptions extends CatchUpInputs {
  /** This process as the lease holder. */
  holder: string;
  /** Read and report only: no lease, no redelivery, nothing stored, no alert. */
  dryRun?: boolean;
  now?: () => Date;
  log?: JobLog;
}

/** What a pass needs of its lease: renew before each change made once, and fenced cursor writes. */
type PassLease = Pick<JobContext, 'keepLease' | 'setCursor'>;

interface Pass {
  inputs: CatchUpInputs;
  /** null: a dry run, which holds no lease and writes nothing. */
  lease: PassLease | null;
  now: () => Date;
}

const iso = (ms: number) => new Date(ms).toISOString();
const hasLog = (client: ForgeClient): client is ForgeClient & LogClient => Boolean(client.hookLog && client.redeliver);
const hookProjects = (hook: ForgeHook, all: readonly string[]) =>
  hook.scope === 'project' || hook.scope === 'repository' ? [hook.owner] : [...all];

export interface CatchUpWindow {
  /** Where the log is read back to. */
  logSince: string;
  /** Where a reconcile starts, or null when there is nothing to reconcile from. */
  reconcileSince: string | null;
  /** The gap is older than the forge's log: reconcile every project, not only those without a log. */
  beyondLog: boolean;
}

export interface WindowFacts {
  nowMs: number;
  /** How many days back the forge's log goes. */
  logDays: number;
  marginMs: number;
  /** The newest delivery stored from the forge, or null (a new install, an inbox pruned empty). */
  lastStored: string | null;
  /** When the last pass that reconciled started, or null. */
  reconciledAt: string | null;
  /** `--since`, overriding the last delivery stored. */
  since?: string;
}

/**
 * Since the last delivery stored (minus the margin), or `--since`, but no further back than the
 * log goes. Without either the whole log is read, and reconcile starts where the last one did
 * (nowhere, the first time: that history is `backfill`'s). Pure.
 */
export function catchUpWindow(facts: WindowFacts): CatchUpWindow {
  const parse = (value: string | null | undefined) => (value ? Date.parse(value) : NaN);
  const logStart = facts.nowMs - facts.logDays * DAY_MS;
  const stored = parse(facts.lastStored);
  const fromMs = facts.since ? parse(facts.since) : Number.isNaN(stored) ? NaN : stored - facts.marginMs;
  const reconciled = parse(facts.reconciledAt);
  const reconcileFrom = Math.max(
    Number.isNaN(fromMs) ? -Infinity : fromMs,
    Number.isNaN(reconciled) ? -Infinity : reconciled - facts.marginMs,
  );
  return {
    logSince: iso(Math.max(Number.isNaN(fromMs) ? logStart : fromMs, logStart)),
    reconcileSince: Number.isFinite(reconcileFrom) ? iso(reconcileFrom) : null,
    beyondLog: !Number.isNaN(fromMs) && fromMs < logStart,
  };
}

async function windowFor(options: CatchUpInputs, forge: ForgeName, nowMs: number): Promise<CatchUpWindow> {
  return catchUpWindow({
    nowMs,
    logDays: LOG_DAYS[forge],
    marginMs: options.config.reconcile.marginMinutes * 60_000,
    lastStored: await options.store.lastReceivedAt(forge),
    reconciledAt: (await options.store.getCursor(reconciledCursor(forge))) || null,
    since: options.since,
  });
}

async function catchUpForge(pass: Pass, forge: ForgeName, report: CatchUpReport): Promise<void> {
  const { inputs: options, lease, now } = pass;
  const { config, store } = options;
  const client = options.clients[forge];
  if (!client) {
    report.forges.push({ forge, since: null, skipped: 'no API credentials: nothing to read the forge with' });
    return;
  }
  const dryRun = lease === null;
  const keepLease = async () => lease?.keepLease();
  const metrics = options.metrics ?? DISCARD_METRICS;
  const progress = options.onProgress ?? (() => {});
  const window = await windowFor(options, forge, now().getTime());
  report.forges.push({ forge, since: window.logSince });
  const projects = await coveredProjects(config, store, forge);
  const found = await findHooks(config, client, projects);
  const toReconcile = new Set(window.beyondLog ? projects : found.uncovered);
  // The pass's cursors (incidents, where reconcile got to) are written only while its lease holds.
  const cursors = {
    getCursor: (name: string) => store.getCursor(name),
    setCursor: (name: string, value: string) => (lease ? lease.setCursor(name, value) : Promise.resolve(false)),
    lastReceivedAt: (of: ForgeName) => store.lastReceivedAt(of),
  };
  const health = { store: cursors, alerter: options.alerter ?? noAlerts, now };

  for (const hook of found.hooks) {
    await keepLease();
    metrics.record({ type: 'hookHealth', forge, hook: hookName(hook), status: hook.health.status });
    if (!dryRun) {
      const alert = await alertOnHookHealth(health, forge, hook);
      if (alert) report.alerts.push(alert.summary);
    }
    const hookReport: HookReport = hasLog(client)
      ? await catchUpFromLog({
          client,
          store,
          hook,
          since: window.logSince,
          dryRun,
          onProgress: (done, of) => progress(`${forge} ${hookName(hook)}: redelivered ${done} of ${of}`),
        })
      : {
          forge,
          hook: hookName(hook),
          health: hook.health,
          logEntries: 0,
          missed: 0,
          redelivered: 0,
          unavailable: 'this client reads no delivery log',
        };
    report.hooks.push(hookReport);
    progress(
      `${forge} ${hookName(hook)}: ${hookReport.unavailable ? `log unavailable (${hookReport.unavailable})` : `${hookReport.logEntries} logged, ${hookReport.missed} missed`}`,
    );
    metrics.record({ type: 'caughtUp', forge, path: 'log', count: hookReport.redelivered });
    // A disabled hook sent nothing, so logged nothing: what happened meanwhile is only on the issues.
    if (hookReport.unavailable || hook.health.status === 'disabled')
      for (const project of hookProjects(hook, projects)) toReconcile.add(project);
  }

  if (window.reconcileSince !== null || options.since) {
    const since = options.since ?? window.reconcileSince!;
    for (const project of [...toReconcile].sort()) {
      await keepLease();
      const reconciled = await reconcileFromForge({
        config,
        client,
        actor: dryRun ? null : (options.actors ?? options.clients)[forge],
        store,
        project,
        since,
        dryRun,
        now,
        onIssue: (r) =>
          progress(`${forge} ${project}: ${r.issues} issues reconciled, ${r.recorded} transitions recorded`),
      });
      report.reconciled.push(reconciled);
      metrics.record({ type: 'caughtUp', forge, path: 'reconcile', count: reconciled.recorded });
    }
  }
  if (dryRun) return;
  if (toReconcile.size > 0) await cursors.setCursor(reconciledCursor(forge), report.startedAt);
  const silent = await alertOnSilence(health, forge, config.reconcile.silenceAlertHours);
  if (silent) report.alerts.push(silent.summary);
}

/**
 * One catch-up pass over both forges: each hook's health (gauge, alerts), its delivery log
 * (redeliver what the inbox never stored), and reconcile from the issues where no log reaches.
 */
async function catchUp(pass: Pass): Promise<CatchUpReport> {
  const started = performance.now();
  const report: CatchUpReport = {
    startedAt: pass.now().toISOString(),
    durationMs: 0,
    dryRun: pass.lease === null,
    forges: [],
    hooks: [],
    reconciled: [],
    alerts: [],
    apiCalls: 0,
  };
  const { apiCalls } = await countApiCalls(async () => {
    for (const forge of FORGES) await catchUpForge(pass, forge, report);
  });
  return { ...report, apiCalls, durationMs: Math.round(performance.now() - started) };
}

/** Catch-up as a leased job: under `serve`, on start and once per `schedule` across replicas. */
export function catchUpJob(inputs: CatchUpInputs, schedule: Schedule): LeasedJob<CatchUpReport> {
  return {
    name: CATCH_UP_LEASE,
    schedule,
    leaseMs: inputs.config.reconcile.leaseSeconds * 1000,
    run: (context) => catchUp({ inputs, lease: context, now: () => context.now() }),
    summarize: (report) => ({
      redelivered: report.hooks.reduce((n, hook) => n + hook.redelivered, 0),
      reconciled: report.reconciled.reduce((n, r) => n + r.recorded, 0),
      unavailableLogs: report.hooks.filter((hook) => hook.unavailable).length,
      apiCalls: report.apiCalls,
    }),
  };
}

/**
 * `inner` (an `everyInterval`, whose cursor is the last finish time), and also at the first check
 * after this process starts, the gap a restart leaves being what catch-up is for, unless a pass
 * finished less than `startGapMs` ago: replicas started together run one pass between them, and
 * none asks again for redeliveries still on their way.
 */
export function onStartAnd(inner: Schedule, startGapMs: number): Schedule {
  let started = false;
  return {
    ...inner,
    due: (now, last) => {
      if (started) return inner.due(now, last);
      started = true;
      return last !== null && now.getTime() - Date.parse(last) < startGapMs ? null : now.toISOString();
    },
  };
}

/** Under serve: on start and every `reconcile.intervalMinutes`, or null when `reconcile.enabled` is false. */
export function scheduledCatchUp(inputs: CatchUpInputs): LeasedJob<CatchUpReport> | null {
  const { reconcile } = inputs.config;
  return reconcile.enabled
    ? catchUpJob(inputs, onStartAnd(everyInterval(reconcile.intervalMinutes * 60_000), CATCH_UP_START_GAP_MS))
    : null;
}

const quiet: JobLog = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * One pass on demand (`boardkeeper catch-up`, tests). Only one runs at a time, under the store
 * lease `catch-up`: returns null when another holds it. A dry run takes no lease.
 */
export async function runCatchUp(options: CatchUpOptions): Promise<CatchUpReport | null> {
  const now = options.now ?? (() => new Date());
  if (options.dryRun) return catchUp({ inputs: options, lease: null, now });
  const job = catchUpJob(options, sinceLastFinish(0, options.config.reconcile.intervalMinutes * 60_000));
  const run = await runLeasedJob(job, { store: options.store, holder: options.holder, log: options.log ?? quiet, now });
  return run.status === 'ran' ? run.result : null;
}

/** One line per finding, for the command and the log. */
export function describeCatchUp(report: CatchUpReport): string[] {
  const lines = report.forges.map((f) =>
    f.skipped ? `${f.forge}: skipped (${f.skipped})` : `${f.forge}: looked back to ${f.since}`,
  );
  for (const hook of report.hooks) {
    const state = `${hook.health.status} (${hook.health.detail})`;
    lines.push(
      hook.unavailable
        ? `${hook.forge} ${hook.hook}: ${state}; log unavailable: ${hook.unavailable}`
        : `${hook.forge} ${hook.hook}: ${state}; ${hook.logEntries} logged, ${hook.missed} missed, ${hook.redelivered} redelivered`,
    );
  }
  for (const r of report.reconciled) {
    lines.push(
      `${r.forge} ${r.project}: reconciled since ${r.since}: ${r.issues} issues, ${r.recorded} new transitions, ${r.actions} actions${report.dryRun ? ' (planned)' : ''}`,
    );
  }
  for (const alert of report.alerts) lines.push(`alert: ${alert}`);
  lines.push(
    `${report.apiCalls} API calls in ${report.durationMs} ms${report.dryRun ? ' (dry run: nothing redelivered, stored or sent)' : ''}`,
  );
  return lines;
}
