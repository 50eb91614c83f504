import type { PostDeps } from '../alerts/post.js';
import type { Config } from '../config/schema.js';
import type { AuditEntry, ForgeName } from '../domain/types.js';
import type { ForgeFiling } from '../forges/forge.js';
import { LeaseLostError, type JobContext, type JobLog, type LeasedJob, type Schedule } from '../jobs/job.js';
import { runLeasedJob } from '../jobs/run.js';
import type { Store } from '../store/store.js';
import {
  digestParts,
  fileDigest,
  plannedSteps,
  type FiledDigest,
  type FilingMemory,
  type FilingPlan,
  type FilingStep,
} from './deliver/forge.js';
import { sendDigestEmail } from './deliver/email.js';
import { postSlackDigest } from './deliver/slack.js';
import { gatherDigest, type MetricsSource } from './gather.js';
import type { Period } from './period.js';
import { digestHeadlines, digestTitle, renderDigest } from './render.js';
import { duePeriod } from './schedule.js';

/** The audit's delivery id of a digest's forge calls is this and the period (`digest:2026-W49`): they are no webhook delivery. */
export const DIGEST_DELIVERY_PREFIX = 'digest:';
/** The digest's job: its store lease, and the prefix of its cursors. */
export const DIGEST_JOB = 'digest';
/** Per period: which destinations have the digest (JSON `DigestProgress`). */
const progressCursor = (key: string) => `${DIGEST_JOB}.${key}.delivered`;
/** Per period (`new-issue`) or for good (`pinned`): the issue the digest is in. */
const issueCursor = (key: string, mode: 'new-issue' | 'pinned') =>
  mode === 'pinned' ? `${DIGEST_JOB}.pinned` : `${DIGEST_JOB}.${key}.issue`;
/**
 * How often each replica asks whether a digest is owed: the schedule's firing (croner) makes it
 * due, so it goes out within a minute of it; a failed destination or a restart is caught up too.
 */
const CHECK_EVERY_MS = 60_000;

export type Destination = 'forge' | 'slack' | 'email';

interface DigestProgress {
  forge?: string;
  slack?: true;
  email?: true;
}

export interface DeliveryRow {
  destination: Destination;
  /** `already` when an earlier run (this replica's or another's) delivered it. */
  result: 'applied' | 'planned' | 'failed' | 'already';
  detail: string;
}

export interface DigestRun {
  period: Period;
  title: string;
  /** Null when every destination already had it, so nothing was rendered. */
  markdown: string | null;
  deliveries: DeliveryRow[];
  /** The issue the digest is filed in (or was, by an earlier run). */
  issueUrl: string | null;
}

/** What the digest is made from and sent with. */
export interface DigestInputs {
  config: Config;
  store: Store;
  /** `MetricsReports.answer`, the function behind /metrics. */
  metrics: MetricsSource;
  /** null: that forge is in dry-run (the filing is audited as planned). */
  filing: Record<ForgeName, ForgeFiling | null>;
  post?: Partial<PostDeps>;
}

export interface DigestOptions extends DigestInputs {
  /** This process as the lease holder. */
  holder: string;
  now?: () => Date;
  /** On demand (`boardkeeper report --period`); by default the period the schedule says is due. */
  period?: Period;
  /** `report --dry-run` / `--print`: plan only. No lease, nothing sent, nothing stored. */
  preview?: boolean;
  log?: JobLog;
}

/** Some destination did not take the digest; the ones that did are remembered, the rest is tried at the next check. */
export class DigestIncompleteError extends Error {
  constructor(readonly run: DigestRun) {
    const failed = run.deliveries.filter((row) => row.result === 'failed');
    super(
      `digest ${run.period.key}: not delivered to ${failed.map((row) => `${row.destination} (${row.detail})`).join(', ')}`,
    );
    this.name = 'DigestIncompleteError';
  }
}

/** The destinations a config sends the digest to. */
export function digestDestinations(config: Config): Destination[] {
  const { forge, slack, email } = config.reports.digest;
  return [forge && 'forge', slack && 'slack', email && 'email'].filter((d): d is Destination => typeof d === 'string');
}

/** The forge destination is recorded as the issue's address, or `planned` when that forge was in dry-run. */
const issueUrlOf = (progress: DigestProgress): string | null =>
  progress.forge?.startsWith('http') ? progress.forge : null;

function parseJson<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/** Writes through the job's lease: a replica that lost it writes nothing and stops. */
async function fencedWrite(lease: JobContext, name: string, value: string): Promise<void> {
  if (!(await lease.setCursor(name, value))) throw new LeaseLostError(DIGEST_JOB);
}

function cursorMemory(store: Store, name: string, lease: JobContext | null): FilingMemory {
  return {
    load: async () => parseJson<FiledDigest>(await store.getCursor(name)),
    save: (filed) =>
      lease ? fencedWrite(lease, name, JSON.stringify(filed)) : Promise.reject(new Error('a preview stores nothing')),
  };
}

function auditOf(step: FilingStep, plan: FilingPlan, result: string, at: string): AuditEntry {
  return {
    at,
    deliveryId: `${DIGEST_DELIVERY_PREFIX}${plan.key}`,
    forge: plan.target.forge,
    project: plan.target.project,
    // A new issue has no number before it is created.
    iid: step.ref?.iid ?? 0,
    action: step.action,
    detail: { report: 'digest', mode: plan.target.mode, ...step.detail },
    result,
    apiCalls: step.apiCalls,
    latencyMs: 0,
  };
}

interface Rendered {
  title: string;
  markdown: string;
  headlines: string[];
}

async function render(inputs: DigestInputs, period: Period): Promise<Rendered> {
  const input = await gatherDigest({ config: inputs.config, store: inputs.store, metrics: inputs.metrics, period });
  return { title: digestTitle(period), markdown: renderDigest(input), headlines: digestHeadlines(input) };
}

function filingPlan(config: Config, period: Period, rendered: Rendered): FilingPlan | null {
  const target = config.reports.digest.forge;
  if (!target) return null;
  return { target, title: rendered.title, key: period.key, parts: digestParts(target.forge, rendered.markdown) };
}

/** `report --dry-run`: what a send would do, from the same rendering; nothing is sent or stored. */
async function preview(inputs: DigestInputs, period: Period): Promise<DigestRun> {
  const rendered = await render(inputs, period);
  const plan = filingPlan(inputs.config, period, rendered);
  const deliveries: DeliveryRow[] = [];
  if (plan) {
    const previous = await cursorMemory(inputs.store, issueCursor(period.key, plan.target.mode), null).load();
    const steps = plannedSteps(plan, previous);
    deliveries.push({
      destination: 'forge',
      result: 'planned',
      detail: steps
        .map(
          (s) =>
            `${s.action}${s.ref ? ` ${s.ref.project}#${s.ref.iid}` : ''} (${String(s.detail.characters)} characters)`,
        )
        .join('; '),
    });
  }
  const { slack, email } = inputs.config.reports.digest;
  if (slack) deliveries.push({ destination: 'slack', result: 'planned', detail: 'post the headline figures' });
  if (email)
    deliveries.push({
      destination: 'email',
      result: 'planned',
      detail: `mail to ${email.to.join(', ')} via ${email.host}:${email.port}`,
    });
  return { period, title: rendered.title, markdown: rendered.markdown, deliveries, issueUrl: null };
}

/**
 * Sends `period`'s digest to every configured destination that does not have it yet, under the
 * job's lease: a cursor per period (written fenced by the lease) says which destinations have it
 * and which issue it is in, so a second replica, a restart or a rerun sends nothing twice. Throws
 * DigestIncompleteError when a destination failed (the others are remembered).
 */
async function deliver(inputs: DigestInputs, period: Period, lease: JobContext): Promise<DigestRun> {
  const { config, store } = inputs;
  const destinations = digestDestinations(config);
  const progress = parseJson<DigestProgress>(await store.getCursor(progressCursor(period.key))) ?? {};
  const pending = destinations.filter((destination) => !progress[destination]);
  const already = destinations
    .filter((destination) => !pending.includes(destination))
    .map((destination): DeliveryRow => ({ destination, result: 'already', detail: 'delivered by an earlier run' }));
  if (pending.length === 0)
    return { period, title: digestTitle(period), markdown: null, deliveries: already, issueUrl: issueUrlOf(progress) };
  const rendered = await render(inputs, period);
  const run: DigestRun = {
    period,
    title: rendered.title,
    markdown: rendered.markdown,
    deliveries: already,
    issueUrl: issueUrlOf(progress),
  };
  const record: RecordDelivery = async (destination, row, done) => {
    run.deliveries.push({ destination, ...row });
    if (!done) return;
    (progress as Record<Destination, unknown>)[destination] =
      destination === 'forge' ? (run.issueUrl ?? 'planned') : true;
    await fencedWrite(lease, progressCursor(period.key), JSON.stringify(progress));
  };
  for (const destination of pending) {
    // Each destination is sent once: never by a replica whose lease has lapsed meanwhile.
    await lease.keepLease();
    try {
      if (destination === 'forge') await deliverToForge(inputs, period, rendered, run, record, lease);
      else if (destination === 'slack') await deliverToSlack(inputs, rendered, run, record, lease.now);
      else await deliverByEmail(inputs, rendered, record);
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      lease.log.warn(
        { err: error, destination, period: period.key },
        'digest: a destination failed; it is tried again at the next check',
      );
      run.deliveries.push({
        destination,
        result: 'failed',
        detail: error instanceof Error ? error.message : String(error),
      });
    }
  }
  if (run.deliveries.some((row) => row.result === 'failed')) throw new DigestIncompleteError(run);
  return run;
}

/** Due at each firing of `reports.digest.schedule`: the period of its latest firing, until it is delivered. */
export function digestSchedule(config: Config, checkEveryMs = CHECK_EVERY_MS): Schedule {
  return {
    checkEveryMs,
    cursor: 'period',
    due: (now, last) => {
      const key = duePeriod(config.reports.digest, now.getTime())?.key ?? null;
      return key === last ? null : key;
    },
    finished: (key) => key,
  };
}

/** One period's digest on demand: due whenever its lease is free (the per-period cursor still sends nothing twice). */
function onDemand(period: Period): Schedule {
  return { checkEveryMs: CHECK_EVERY_MS, cursor: 'on-demand', due: () => period.key, finished: (key) => key };
}

/**
 * The digest as a leased job (docs/architecture.md, "Adding a leased job"): under `serve` once per
 * period across replicas, on `schedule` (default: `digestSchedule`). It runs where the metrics
 * reports are (the main thread), not on the engine thread, which has no metrics table.
 */
export function digestJob(
  inputs: DigestInputs,
  schedule: Schedule = digestSchedule(inputs.config),
  period?: Period,
): LeasedJob<DigestRun> {
  const { digest } = inputs.config.reports;
  return {
    name: DIGEST_JOB,
    schedule,
    leaseMs: digest.leaseSeconds * 1000,
    run: async (lease) => {
      const due = period ?? duePeriod(digest, lease.now().getTime());
      if (!due) throw new Error(`reports.digest.schedule "${digest.schedule}" has never fired`);
      return deliver(inputs, due, lease);
    },
    summarize: (run) => ({ period: run.period.key, deliveries: run.deliveries, issue: run.issueUrl }),
  };
}

const quiet: JobLog = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * One digest now (`boardkeeper report`, the demo): the given period, or the one the schedule says
 * is due. Null when nothing is due or another replica holds the lease.
 */
export async function runDigest(options: DigestOptions): Promise<DigestRun | null> {
  const now = options.now ?? (() => new Date());
  const period = options.period ?? duePeriod(options.config.reports.digest, now().getTime());
  if (!period) return null;
  if (options.preview) return preview(options, period);
  const run = await runLeasedJob(digestJob(options, onDemand(period), period), {
    store: options.store,
    holder: options.holder,
    log: options.log ?? quiet,
    now,
  });
  return run.status === 'ran' ? run.result : null;
}

type RecordDelivery = (destination: Destination, row: Omit<DeliveryRow, 'destination'>, done: boolean) => Promise<void>;

async function deliverToForge(
  options: DigestInputs,
  period: Period,
  rendered: Rendered,
  run: DigestRun,
  record: RecordDelivery,
  lease: JobContext,
): Promise<void> {
  const { now } = lease;
  const plan = filingPlan(options.config, period, rendered)!;
  const memory = cursorMemory(options.store, issueCursor(period.key, plan.target.mode), lease);
  const client = options.filing[plan.target.forge];
  if (!client) {
    const steps = plannedSteps(plan, await memory.load());
    await options.store.recordAudit(steps.map((step) => auditOf(step, plan, 'planned', now().toISOString())));
    await record(
      'forge',
      {
        result: 'planned',
        detail: `${plan.target.forge} is in dry-run: ${steps.length} call(s) recorded in the audit as planned`,
      },
      true,
    );
    return;
  }
  const steps: FilingStep[] = [];
  try {
    const filed = await fileDigest(client, plan, memory, (step) => steps.push(step));
    run.issueUrl = filed.webUrl;
  } finally {
    await options.store.recordAudit(steps.map((step) => auditOf(step, plan, 'applied', now().toISOString())));
  }
  await record(
    'forge',
    { result: 'applied', detail: `${run.issueUrl} (${plan.parts.length} part${plan.parts.length === 1 ? '' : 's'})` },
    true,
  );
}

async function deliverToSlack(
  options: DigestInputs,
  rendered: Rendered,
  run: DigestRun,
  record: RecordDelivery,
  now: () => Date,
): Promise<void> {
  const { alerts, reports } = options.config;
  const deps: PostDeps = {
    fetch: options.post?.fetch ?? fetch,
    sleep: options.post?.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms).unref())),
    random: options.post?.random ?? Math.random,
    now: () => now().getTime(),
  };
  const digest = {
    title: rendered.title,
    lines: rendered.headlines,
    issueUrl: run.issueUrl,
    dashboardUrl: alerts.publicUrl ?? null,
  };
  const result = await postSlackDigest(reports.digest.slack!.url, digest, alerts, deps);
  await record(
    'slack',
    {
      result: result.ok ? 'applied' : 'failed',
      detail: result.ok ? `posted (${result.attempts} attempt(s))` : `not delivered: ${result.reason}`,
    },
    result.ok,
  );
}

async function deliverByEmail(options: DigestInputs, rendered: Rendered, record: RecordDelivery): Promise<void> {
  const sent = await sendDigestEmail(options.config.reports.digest.email!, {
    subject: rendered.title,
    markdown: rendered.markdown,
  });
  await record('email', { result: 'applied', detail: `accepted for ${sent.accepted.join(', ')}` }, true);
}
