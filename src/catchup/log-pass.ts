import { isForgeError } from '../forges/errors.js';
import type { ForgeClient, ForgeHook, HookLogEntry } from '../forges/forge.js';
import type { Store } from '../store/store.js';
import { hookName, type HookReport } from './report.js';

export type LogClient = Pick<ForgeClient, 'forge'> & Required<Pick<ForgeClient, 'hookLog' | 'redeliver'>>;

export interface LogPassOptions {
  client: LogClient;
  store: Pick<Store, 'knownDeliveries'>;
  hook: ForgeHook;
  since: string;
  dryRun: boolean;
  /** Called after each redelivery on a long pass. */
  onProgress?: (done: number, of: number) => void;
}

/** Worth sending again: not reached, 5xx (the store was away), 408, 429, and 401 (a secret since corrected). */
const RETRYABLE_4XX = new Set([401, 408, 429]);

/** The service answered and meant it: accepted (2xx), ignored (200), or refused for good (a malformed body). */
function answered(entry: HookLogEntry): boolean {
  return entry.status !== null && entry.status < 500 && !RETRYABLE_4XX.has(entry.status);
}

/** One delivery's attempts share its last id: GitHub's delivery id, GitLab's Idempotency-Key (its UUID may change on a resend). */
const deliveryKey = (entry: HookLogEntry) => entry.deliveryIds.at(-1) ?? `log:${entry.logId}`;

/** The deliveries of a log that never reached the inbox, oldest first, each with its latest attempt. */
export function missedDeliveries(entries: readonly HookLogEntry[], known: ReadonlySet<string>): HookLogEntry[] {
  const attempts = new Map<string, HookLogEntry[]>();
  for (const entry of entries) attempts.set(deliveryKey(entry), [...(attempts.get(deliveryKey(entry)) ?? []), entry]);
  return [...attempts.values()]
    .filter((tries) => !tries.some(answered) && !tries.some((entry) => entry.deliveryIds.some((id) => known.has(id))))
    .map((tries) => tries.reduce((latest, entry) => (entry.at > latest.at ? entry : latest)))
    .sort((a, b) => a.at.localeCompare(b.at) || a.logId - b.logId);
}

/**
 * Reads one hook's delivery log back to `since` and asks the forge to send again every delivery
 * the inbox never stored, oldest first, so each issue's changes arrive in their order. The
 * redelivered webhook is an ordinary delivery (same id): the rules, durations at the forge's event
 * time and the inbox's dedupe apply as if it had arrived on time. A log the forge will not show
 * (not found, no permission) is reported as unavailable, for reconcile to cover.
 */
export async function catchUpFromLog(options: LogPassOptions): Promise<HookReport> {
  const { client, hook } = options;
  const report: HookReport = {
    forge: client.forge,
    hook: hookName(hook),
    health: hook.health,
    logEntries: 0,
    missed: 0,
    redelivered: 0,
  };
  const entries: HookLogEntry[] = [];
  try {
    for await (const entry of client.hookLog(hook, options.since)) entries.push(entry);
  } catch (error) {
    if (!isForgeError(error) || error.kind === 'transient') throw error;
    return { ...report, unavailable: `${error.kind}: ${error.message}` };
  }
  report.logEntries = entries.length;
  const unanswered = entries.filter((entry) => !answered(entry)).flatMap((entry) => entry.deliveryIds);
  const missed = missedDeliveries(entries, await options.store.knownDeliveries([...new Set(unanswered)]));
  report.missed = missed.length;
  if (options.dryRun) return report;
  for (const entry of missed) {
    await client.redeliver(hook, entry);
    report.redelivered += 1;
    options.onProgress?.(report.redelivered, missed.length);
  }
  return report;
}
