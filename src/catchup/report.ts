import type { ForgeName } from '../domain/types.js';
import type { HookHealth } from '../forges/forge.js';

/** What one hook's delivery log gave. */
export interface HookReport {
  forge: ForgeName;
  /** e.g. `project 42 hook 7`, `repository acme/services hook 5`. */
  hook: string;
  health: HookHealth;
  /** Log entries read back to `since`. */
  logEntries: number;
  /** Deliveries the log shows failed and the inbox does not hold. */
  missed: number;
  /** Of those, asked of the forge again (none in a dry run). */
  redelivered: number;
  /** Why the log could not be used, in which case reconcile covered the hook's projects. */
  unavailable?: string;
}

/** What reconciling one project from the forge's issues gave. */
export interface ReconcileReport {
  forge: ForgeName;
  project: string;
  since: string;
  /** Issues updated since `since`. */
  issues: number;
  /** Transitions the store did not have (0 in a dry run: nothing is written). */
  recorded: number;
  /** Forge actions the rules asked for on the issues' current state (planned in a dry run). */
  actions: number;
}

export interface CatchUpReport {
  startedAt: string;
  durationMs: number;
  dryRun: boolean;
  /** Per forge: where the pass looked back to, or why it did not look. */
  forges: Array<{ forge: ForgeName; since: string | null; skipped?: string }>;
  hooks: HookReport[];
  reconciled: ReconcileReport[];
  /** Alerts sent (`webhook-disabled`, its recovery, `webhook-silent`). */
  alerts: string[];
  /** Forge API requests the pass made. */
  apiCalls: number;
}

export function hookName(hook: { scope: string; owner: string; id: number }): string {
  return hook.scope === 'app' ? 'app hook' : `${hook.scope} ${hook.owner} hook ${hook.id}`;
}
