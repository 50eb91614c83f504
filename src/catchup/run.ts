import { noAlerts, type Alerter } from '../alerts/alert.js';
import type { Config } from '../config/schema.js';
import type { ForgeName } from '../domain/types.js';
import { countApiCalls } from '../forges/call-count.js';
import type { ForgeClient, ForgeHook } from '../forges/forge.js';
import type { Logger } from '../logger.js';
import { DISCARD_METRICS, type MetricsSink } from '../observability/events.js';
import type { LeaseHold, Store } from '../store/store.js';
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
/** Cursor: when the last pass that reconciled a forge started (its issues are caught up to there). */
const reconciledCursor = (forge: ForgeName) => `catch-up.reconciledAt:${forge}`;

export interface CatchUpOptions {
  config: Config;
  store: Store;
  /** Read the forges' hooks, logs and issues; null where a forge has no credentials. */
  clients: Record<ForgeName, ForgeClient | null>;
  /** Carry out the rules' actions after a reconcile; null where the forge is in dry-run. Default: `clients`. */
  actors?: Record<ForgeName, ForgeClient | null>;
  alerter?: Alerter;
  metrics?: MetricsSink;
  /** This process as the lease holder. */
  holder: string;
  /** Look back to here instead of the last delivery stored. */
  since?: string;
  /** Read and report only: no lease, no redelivery, nothing stored, no alert. */
  dryRun?: boolean;
  now?: () => Date;
  onProgress?: (line: string) => void;
  log?: Pick<Logger, 'info' | 'warn'>;
}

/** The catch-up lease was lost mid-pass (this process stalled past it and another took over). */
export class CatchUpLeaseLostError extends Error {
  constructor() {
    super('the catch-up lease was taken over by another process; this pass stopped');
    this.name = 'CatchUpLeaseLostError';
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
const hasLog = (client: ForgeClient): client is ForgeClient & LogClient => Boolean(client.hookLog && client.redeliver);
const hookProjects = (hook: ForgeHook, all: readonly string[]) => (hook.scope === 'project' || hook.scope === 'repository' ? [hook.owner] : [...all]);

interface Window {
  /** Where the log is read back to. */
  logSince: string;
  /** Where a reconcile starts, or null when there is nothing to reconcile from. */
  reconcileSince: string | null;
  /** The gap is older than the forge's log: reconcile every project, not only those without a log. */
  beyondLog: boolean;
}

/**
 * Since the last delivery stored (minus the margin), or `--since`. Without either (a new install,
 * or an inbox pruned empty) the whole log is read and reconcile starts where the last one did.
 */
async function windowFor(options: CatchUpOptions, forge: ForgeName, nowMs: number): Promise<Window> {
  const marginMs = options.config.reconcile.marginMinutes * 60_000;
  const logStart = nowMs - LOG_DAYS[forge] * DAY_MS;
  const lastStored = Date.parse((await options.store.lastReceivedAt(forge)) ?? '');
  const reconciled = Date.parse((await options.store.getCursor(reconciledCursor(forge))) || '');
  const fromMs = options.since ? Date.parse(options.since) : Number.isNaN(lastStored) ? NaN : lastStored - marginMs;
  const reconcileFrom = Math.max(Number.isNaN(fromMs) ? -Infinity : fromMs, Number.isNaN(reconciled) ? -Infinity : reconciled - marginMs);
  return {
    logSince: iso(Math.max(Number.isNaN(fromMs) ? logStart : fromMs, logStart)),
    reconcileSince: Number.isFinite(reconcileFrom) ? iso(reconcileFrom) : null,
    beyondLog: !Number.isNaN(fromMs) && fromMs < logStart,
  };
}

async function catchUpForge(options: CatchUpOptions, forge: ForgeName, report: CatchUpReport, keepLease: () => Promise<void>): Promise<void> {
  const { config, store } = options;
  const client = options.clients[forge];
  if (!client) {
    report.forges.push({ forge, since: null, skipped: 'no API credentials: nothing to read the forge with' });
    return;
  }
  const dryRun = options.dryRun === true;
  const now = options.now ?? (() => new Date());
  const metrics = options.metrics ?? DISCARD_METRICS;
  const progress = options.onProgress ?? (() => {});
  const window = await windowFor(options, forge, now().getTime());
  report.forges.push({ forge, since: window.logSince });
  const projects = await coveredProjects(config, store, forge);
  const found = await findHooks(config, client, projects);
  const toReconcile = new Set(window.beyondLog ? projects : found.uncovered);
  const health = { store, alerter: options.alerter ?? noAlerts, now };

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
      : { forge, hook: hookName(hook), health: hook.health, logEntries: 0, missed: 0, redelivered: 0, unavailable: 'this client reads no delivery log' };
    report.hooks.push(hookReport);
    progress(`${forge} ${hookName(hook)}: ${hookReport.unavailable ? `log unavailable (${hookReport.unavailable})` : `${hookReport.logEntries} logged, ${hookReport.missed} missed`}`);
    metrics.record({ type: 'caughtUp', forge, path: 'log', count: hookReport.redelivered });
    // A disabled hook sent nothing, so logged nothing: what happened meanwhile is only on the issues.
    if (hookReport.unavailable || hook.health.status === 'disabled') for (const project of hookProjects(hook, projects)) toReconcile.add(project);
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
        onIssue: (r) => progress(`${forge} ${project}: ${r.issues} issues reconciled, ${r.recorded} transitions recorded`),
      });
      report.reconciled.push(reconciled);
      metrics.record({ type: 'caughtUp', forge, path: 'reconcile', count: reconciled.recorded });
    }
  }
  if (dryRun) return;
  if (toReconcile.size > 0) await store.setCursor(reconciledCursor(forge), report.startedAt);
  const silent = await alertOnSilence(health, forge, config.reconcile.silenceAlertHours);
  if (silent) report.alerts.push(silent.summary);
}

/**
 * One catch-up pass over both forges: each hook's health (gauge, alerts), its delivery log
 * (redeliver what the inbox never stored), and reconcile from the issues where no log reaches.
 * Only one pass runs at a time, under the store lease `catch-up`; returns null when another holds it.
 */
export async function runCatchUp(options: CatchUpOptions): Promise<CatchUpReport | null> {
  const { store, config } = options;
  const now = options.now ?? (() => new Date());
  const dryRun = options.dryRun === true;
  const hold: LeaseHold = { name: CATCH_UP_LEASE, holder: options.holder };
  const leaseMs = config.reconcile.leaseSeconds * 1000;
  if (!dryRun && !(await store.holdLease(hold, leaseMs))) return null;
  let lost = false;
  const keepLease = async () => {
    if (dryRun) return;
    lost ||= !(await store.holdLease(hold, leaseMs));
    if (lost) throw new CatchUpLeaseLostError();
  };
  // Between the checks at each hook and project, a long reconcile of one project keeps the lease too.
  const heartbeat = dryRun
    ? null
    : setInterval(() => {
        store.holdLease(hold, leaseMs).then(
          (held) => (lost ||= !held),
          (error: unknown) => options.log?.warn({ err: error }, 'catch-up: renewing the lease failed'),
        );
      }, leaseMs / 3);
  heartbeat?.unref();
  const started = performance.now();
  const report: CatchUpReport = { startedAt: now().toISOString(), durationMs: 0, dryRun, forges: [], hooks: [], reconciled: [], alerts: [], apiCalls: 0 };
  try {
    const { apiCalls } = await countApiCalls(async () => {
      for (const forge of FORGES) await catchUpForge(options, forge, report, keepLease);
    });
    return { ...report, apiCalls, durationMs: Math.round(performance.now() - started) };
  } finally {
    if (heartbeat) clearInterval(heartbeat);
    if (!dryRun && !lost) await store.holdLease(hold, 0).catch(() => {});
  }
}

/** One line per finding, for the command and the log. */
export function describeCatchUp(report: CatchUpReport): string[] {
  const lines = report.forges.map((f) => (f.skipped ? `${f.forge}: skipped (${f.skipped})` : `${f.forge}: looked back to ${f.since}`));
  for (const hook of report.hooks) {
    const state = `${hook.health.status} (${hook.health.detail})`;
    lines.push(
      hook.unavailable
        ? `${hook.forge} ${hook.hook}: ${state}; log unavailable: ${hook.unavailable}`
        : `${hook.forge} ${hook.hook}: ${state}; ${hook.logEntries} logged, ${hook.missed} missed, ${hook.redelivered} redelivered`,
    );
  }
  for (const r of report.reconciled) {
    lines.push(`${r.forge} ${r.project}: reconciled since ${r.since}: ${r.issues} issues, ${r.recorded} new transitions, ${r.actions} actions${report.dryRun ? ' (planned)' : ''}`);
  }
  for (const alert of report.alerts) lines.push(`alert: ${alert}`);
  lines.push(`${report.apiCalls} API calls in ${report.durationMs} ms${report.dryRun ? ' (dry run: nothing redelivered, stored or sent)' : ''}`);
  return lines;
}
