import type { PostDeps } from '../alerts/post.js';
import type { Config } from '../config/schema.js';
import type { AuditEntry, ForgeName } from '../domain/types.js';
import type { ForgeFiling } from '../forges/forge.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { digestParts, fileDigest, plannedSteps, type FiledDigest, type FilingMemory, type FilingPlan, type FilingStep } from './deliver/forge.js';
import { sendDigestEmail } from './deliver/email.js';
import { postSlackDigest } from './deliver/slack.js';
import { gatherDigest, type MetricsSource } from './gather.js';
import type { Period } from './period.js';
import { digestHeadlines, digestTitle, renderDigest } from './render.js';
import { duePeriod } from './schedule.js';

/** The audit's delivery id of a digest's forge calls is this and the period (`digest:2026-W49`): they are no webhook delivery. */
export const DIGEST_DELIVERY_PREFIX = 'digest:';
/** The store lease one replica holds while it sends a digest. */
export const DIGEST_LEASE = 'report.digest';
/** Per period: which destinations have the digest (JSON `DigestProgress`). */
const progressCursor = (key: string) => `report.digest.${key}`;
/** Per period (`new-issue`) or for good (`pinned`): the issue the digest is in. */
const issueCursor = (key: string, mode: 'new-issue' | 'pinned') => (mode === 'pinned' ? 'report.digest.pinned' : `report.digest.${key}.issue`);

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

export interface DigestOptions {
  config: Config;
  store: Store;
  /** `MetricsReports.answer`, the function behind /metrics. */
  metrics: MetricsSource;
  /** null: that forge is in dry-run (the filing is audited as planned). */
  filing: Record<ForgeName, ForgeFiling | null>;
  /** This replica (process) as the lease holder. */
  holder: string;
  now?: () => Date;
  /** On demand (`boardkeeper report --period`); by default the period the schedule says is due. */
  period?: Period;
  /** `report --dry-run`: plan only. No lease, nothing sent, nothing stored. */
  preview?: boolean;
  post?: Partial<PostDeps>;
  log?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** The lease was taken over mid-digest (this replica stalled past it); the rest is the other's to send. */
export class DigestLeaseLostError extends Error {
  constructor() {
    super('the digest lease was taken over by another replica; this run stopped');
    this.name = 'DigestLeaseLostError';
  }
}

/** The destinations a config sends the digest to. */
export function digestDestinations(config: Config): Destination[] {
  const { forge, slack, email } = config.reports.digest;
  return [forge && 'forge', slack && 'slack', email && 'email'].filter((d): d is Destination => typeof d === 'string');
}

/** The forge destination is recorded as the issue's address, or `planned` when that forge was in dry-run. */
const issueUrlOf = (progress: DigestProgress): string | null => (progress.forge?.startsWith('http') ? progress.forge : null);

function parseJson<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

function cursorMemory(store: Store, name: string): FilingMemory {
  return {
    load: async () => parseJson<FiledDigest>(await store.getCursor(name)),
    save: (filed) => store.setCursor(name, JSON.stringify(filed)),
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

async function render(options: DigestOptions, period: Period): Promise<Rendered> {
  const input = await gatherDigest({ config: options.config, store: options.store, metrics: options.metrics, period });
  return { title: digestTitle(period), markdown: renderDigest(input), headlines: digestHeadlines(input) };
}

function filingPlan(config: Config, period: Period, rendered: Rendered): FilingPlan | null {
  const target = config.reports.digest.forge;
  if (!target) return null;
  return { target, title: rendered.title, key: period.key, parts: digestParts(target.forge, rendered.markdown) };
}

/** `report --dry-run`: what a send would do, from the same rendering; nothing is sent or stored. */
async function preview(options: DigestOptions, period: Period): Promise<DigestRun> {
  const rendered = await render(options, period);
  const plan = filingPlan(options.config, period, rendered);
  const deliveries: DeliveryRow[] = [];
  if (plan) {
    const previous = await cursorMemory(options.store, issueCursor(period.key, plan.target.mode)).load();
    const steps = plannedSteps(plan, previous);
    deliveries.push({ destination: 'forge', result: 'planned', detail: steps.map((s) => `${s.action}${s.ref ? ` ${s.ref.project}#${s.ref.iid}` : ''} (${String(s.detail.characters)} characters)`).join('; ') });
  }
  const { slack, email } = options.config.reports.digest;
  if (slack) deliveries.push({ destination: 'slack', result: 'planned', detail: 'post the headline figures' });
  if (email) deliveries.push({ destination: 'email', result: 'planned', detail: `mail to ${email.to.join(', ')} via ${email.host}:${email.port}` });
  return { period, title: rendered.title, markdown: rendered.markdown, deliveries, issueUrl: null };
}

/**
 * Sends the due (or given) period's digest to every configured destination that does not have it
 * yet, once across replicas and restarts: under the store's digest lease, with a cursor per period
 * saying which destinations have it (and which issue it is in). Returns null when nothing is due or
 * another replica holds the lease. A failed destination is left for the next run.
 */
export async function runDigest(options: DigestOptions): Promise<DigestRun | null> {
  const { config, store } = options;
  const now = options.now ?? (() => new Date());
  const period = options.period ?? duePeriod(config.reports.digest, now().getTime());
  if (!period) return null;
  if (options.preview) return preview(options, period);
  const destinations = digestDestinations(config);
  const progressNow = async () => parseJson<DigestProgress>(await store.getCursor(progressCursor(period.key))) ?? {};
  const delivered = (progress: DigestProgress): DigestRun => ({
    period,
    title: digestTitle(period),
    markdown: null,
    deliveries: destinations.map((destination) => ({ destination, result: 'already', detail: 'delivered by an earlier run' })),
    issueUrl: issueUrlOf(progress),
  });
  // The common case on every check after the first: a read, no lease.
  const before = await progressNow();
  if (destinations.every((destination) => before[destination])) return delivered(before);
  const hold = { name: DIGEST_LEASE, holder: options.holder };
  const leaseMs = config.reports.digest.leaseSeconds * 1000;
  if (!(await store.holdLease(hold, leaseMs))) return null;
  let lost = false;
  const keepLease = async () => {
    lost ||= !(await store.holdLease(hold, leaseMs));
    if (lost) throw new DigestLeaseLostError();
  };
  try {
    // Read again under the lease: another replica may have finished while this one waited for it.
    const progress = await progressNow();
    const pending = destinations.filter((destination) => !progress[destination]);
    if (pending.length === 0) return delivered(progress);
    const rendered = await render(options, period);
    const run: DigestRun = { period, title: rendered.title, markdown: rendered.markdown, deliveries: [], issueUrl: issueUrlOf(progress) };
    for (const destination of destinations) {
      if (!pending.includes(destination)) run.deliveries.push({ destination, result: 'already', detail: 'delivered by an earlier run' });
    }
    const record = async (destination: Destination, row: Omit<DeliveryRow, 'destination'>, done: boolean) => {
      run.deliveries.push({ destination, ...row });
      if (!done) return;
      await keepLease();
      (progress as Record<Destination, unknown>)[destination] = destination === 'forge' ? (run.issueUrl ?? 'planned') : true;
      await store.setCursor(progressCursor(period.key), JSON.stringify(progress));
    };
    for (const destination of pending) {
      await keepLease();
      try {
        if (destination === 'forge') await deliverToForge(options, period, rendered, run, record, now);
        else if (destination === 'slack') await deliverToSlack(options, rendered, run, record, now);
        else await deliverByEmail(options, rendered, record);
      } catch (error) {
        if (error instanceof DigestLeaseLostError) throw error;
        options.log?.warn({ err: error, destination, period: period.key }, 'digest: a destination failed; it is tried again on the next run');
        run.deliveries.push({ destination, result: 'failed', detail: error instanceof Error ? error.message : String(error) });
      }
    }
    return run;
  } finally {
    // Free the lease at once: another replica's check need not wait for it to lapse.
    if (!lost) await store.holdLease(hold, 0).catch(() => {});
  }
}

type RecordDelivery = (destination: Destination, row: Omit<DeliveryRow, 'destination'>, done: boolean) => Promise<void>;

async function deliverToForge(options: DigestOptions, period: Period, rendered: Rendered, run: DigestRun, record: RecordDelivery, now: () => Date): Promise<void> {
  const plan = filingPlan(options.config, period, rendered)!;
  const memory = cursorMemory(options.store, issueCursor(period.key, plan.target.mode));
  const client = options.filing[plan.target.forge];
  if (!client) {
    const steps = plannedSteps(plan, await memory.load());
    await options.store.recordAudit(steps.map((step) => auditOf(step, plan, 'planned', now().toISOString())));
    await record('forge', { result: 'planned', detail: `${plan.target.forge} is in dry-run: ${steps.length} call(s) recorded in the audit as planned` }, true);
    return;
  }
  const steps: FilingStep[] = [];
  try {
    const filed = await fileDigest(client, plan, memory, (step) => steps.push(step));
    run.issueUrl = filed.webUrl;
  } finally {
    await options.store.recordAudit(steps.map((step) => auditOf(step, plan, 'applied', now().toISOString())));
  }
  await record('forge', { result: 'applied', detail: `${run.issueUrl} (${plan.parts.length} part${plan.parts.length === 1 ? '' : 's'})` }, true);
}

async function deliverToSlack(options: DigestOptions, rendered: Rendered, run: DigestRun, record: RecordDelivery, now: () => Date): Promise<void> {
  const { alerts, reports } = options.config;
  const deps: PostDeps = {
    fetch: options.post?.fetch ?? fetch,
    sleep: options.post?.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms).unref())),
    random: options.post?.random ?? Math.random,
    now: () => now().getTime(),
  };
  const digest = { title: rendered.title, lines: rendered.headlines, issueUrl: run.issueUrl, dashboardUrl: alerts.publicUrl ?? null };
  const result = await postSlackDigest(reports.digest.slack!.url, digest, alerts, deps);
  await record('slack', { result: result.ok ? 'applied' : 'failed', detail: result.ok ? `posted (${result.attempts} attempt(s))` : `not delivered: ${result.reason}` }, result.ok);
}

async function deliverByEmail(options: DigestOptions, rendered: Rendered, record: RecordDelivery): Promise<void> {
  const sent = await sendDigestEmail(options.config.reports.digest.email!, { subject: rendered.title, markdown: rendered.markdown });
  await record('email', { result: 'applied', detail: `accepted for ${sent.accepted.join(', ')}` }, true);
}
