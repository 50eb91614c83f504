import type { Action, AuditEntry, IssueRef } from '../domain/types.js';
import { countApiCalls } from '../forges/call-count.js';
import { isForgeError } from '../forges/errors.js';
import type { CallResult, ForgeClient } from '../forges/forge.js';

export interface ExecutionContext {
  /** null: dry-run, the actions are recorded as planned and not executed. */
  client: ForgeClient | null;
  ref: IssueRef;
  deliveryId: string | null;
  now: () => Date;
  /** The labels the issue is believed to carry (the event's labels after): label changes already true are dropped. */
  knownLabels?: string[];
  /**
   * The event may be stale (a retried delivery, or one older than the issue's last update): read
   * the issue's current labels from the forge before changing any, so a re-run converges.
   */
  verifyLabels?: boolean;
}

type LabelsAction = Extract<Action, { type: 'labels' }>;

function describe(action: Action): { name: string; detail: Record<string, unknown> } {
  const { type, ...detail } = action;
  return { name: type, detail };
}

/** The part of a label change that still has to happen, given the labels the issue has. */
export function pendingLabels(action: LabelsAction, current: ReadonlySet<string>): { add: string[]; remove: string[] } {
  return {
    add: action.add.filter((label) => !current.has(label)),
    remove: action.remove.filter((label) => current.has(label)),
  };
}

function run(client: ForgeClient, ref: IssueRef, action: Action, labels: Set<string> | null): Promise<CallResult> {
  switch (action.type) {
    case 'labels': {
      const { add, remove } = labels ? pendingLabels(action, labels) : action;
      if (add.length === 0 && remove.length === 0) return Promise.resolve({ apiCalls: 0, skipped: 'labels already as wanted' });
      return client.applyLabels(ref, add, remove);
    }
    case 'comment':
      return client.upsertComment(ref, action.marker, action.body);
    case 'board-status':
      return client.setBoardStatus(ref, action.stage);
    case 'close':
      return client.setIssueState(ref, 'closed');
    case 'reopen':
      return client.setIssueState(ref, 'open');
  }
}

function track(labels: Set<string> | null, action: Action): void {
  if (!labels || action.type !== 'labels') return;
  for (const label of action.remove) labels.delete(label);
  for (const label of action.add) labels.add(label);
}

/**
 * Apply one delivery's actions in order; each one is recorded (issue, action, result, API calls,
 * latency). Label changes are compared with the issue's labels first, so nothing already true is
 * sent again. A failure is recorded ('skipped' for a vanished issue, 'failed' otherwise) through
 * `onApplied` and then propagates so the engine can retry or dead-letter the delivery; forge
 * clients are idempotent, so re-running converges.
 */
export async function executeActions(
  context: ExecutionContext,
  actions: Action[],
  onApplied: (entry: AuditEntry) => void = () => {},
): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  const record = (name: string, detail: unknown, result: string, apiCalls: number, started: number) => {
    const entry: AuditEntry = {
      at: context.now().toISOString(),
      deliveryId: context.deliveryId,
      forge: context.ref.forge,
      project: context.ref.project,
      iid: context.ref.iid,
      action: name,
      detail,
      result,
      apiCalls,
      latencyMs: Math.round(performance.now() - started),
    };
    entries.push(entry);
    onApplied(entry);
  };

  const { client } = context;
  if (!client) {
    for (const action of actions) {
      const { name, detail } = describe(action);
      record(name, detail, 'planned', 0, performance.now());
    }
    return entries;
  }

  let labels = context.knownLabels ? new Set(context.knownLabels) : null;
  if (context.verifyLabels && actions.some((action) => action.type === 'labels')) {
    const started = performance.now();
    const { value: issue, apiCalls } = await countApiCalls(() => client.getIssue(context.ref));
    if (!issue) {
      record('read-labels', { reason: 'issue deleted or moved' }, 'skipped', apiCalls, started);
      return entries;
    }
    labels = new Set(issue.labels);
    record('read-labels', { labels: issue.labels }, 'applied', apiCalls, started);
  }

  for (const action of actions) {
    const { name, detail } = describe(action);
    const started = performance.now();
    const attempt = await countApiCalls(() => run(client, context.ref, action, labels).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    ));
    if ('error' in attempt.value) {
      const { error } = attempt.value;
      const message = error instanceof Error ? error.message : String(error);
      const notFound = isForgeError(error) && error.kind === 'not-found';
      const kind = isForgeError(error) ? error.kind : 'unexpected';
      record(name, { ...detail, error: message, kind }, notFound ? 'skipped' : 'failed', attempt.apiCalls, started);
      throw error;
    }
    const { skipped } = attempt.value.result;
    record(name, skipped ? { ...detail, skipped } : detail, skipped ? 'skipped' : 'applied', attempt.apiCalls, started);
    track(labels, action);
  }
  return entries;
}
