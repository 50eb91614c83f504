import type { Action, AuditEntry, IssueRef } from '../domain/types.js';
import { countApiCalls } from '../forges/call-count.js';
import { isForgeError } from '../forges/errors.js';
import type { ActionHints, CallResult, ForgeClient } from '../forges/forge.js';

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
  /** What the service's records tell the client about the issue (see ActionHints). */
  hints?: ActionHints;
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

const ALREADY_TRUE = 'labels already as wanted';

/** The action as it still has to be sent, or null when it is already true. */
function stillNeeded(action: Action, labels: Set<string> | null): Action | null {
  if (action.type !== 'labels' || !labels) return action;
  const { add, remove } = pendingLabels(action, labels);
  return add.length === 0 && remove.length === 0 ? null : { ...action, add, remove };
}

function run(client: ForgeClient, ref: IssueRef, action: Action, hints: ActionHints): Promise<CallResult> {
  switch (action.type) {
    case 'labels':
      return client.applyLabels(ref, action.add, action.remove);
    case 'comment':
      return client.upsertComment(ref, action.marker, action.body, hints);
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

  const failed = (name: string, detail: Record<string, unknown>, error: unknown, apiCalls: number, started: number) => {
    const message = error instanceof Error ? error.message : String(error);
    const notFound = isForgeError(error) && error.kind === 'not-found';
    const kind = isForgeError(error) ? error.kind : 'unexpected';
    record(name, { ...detail, error: message, kind }, notFound ? 'skipped' : 'failed', apiCalls, started);
  };
  const done = (
    name: string,
    detail: Record<string, unknown>,
    skipped: string | undefined,
    apiCalls: number,
    started: number,
  ) => record(name, skipped ? { ...detail, skipped } : detail, skipped ? 'skipped' : 'applied', apiCalls, started);
  const hints = context.hints ?? {};

  if (client.applyActions) {
    const applyActions = client.applyActions.bind(client);
    const needed = actions.map((action) => {
      const pending = stillNeeded(action, labels);
      track(labels, action);
      return pending;
    });
    const batch = needed.filter((action): action is Action => action !== null);
    const started = performance.now();
    const attempt = await countApiCalls(() =>
      batch.length === 0
        ? Promise.resolve({ outcomes: [] })
        : applyActions(context.ref, batch, hints).then(
            (outcomes) => ({ outcomes }),
            (error: unknown) => ({ error }),
          ),
    );
    // One request carried them all: its calls are recorded on the first action sent, 0 on the others.
    let calls = attempt.apiCalls;
    let sent = 0;
    actions.forEach((action, index) => {
      const { name, detail } = describe(action);
      if (needed[index] === null) return done(name, detail, ALREADY_TRUE, 0, started);
      const share = calls;
      calls = 0;
      if ('error' in attempt.value) return failed(name, detail, attempt.value.error, share, started);
      done(name, detail, attempt.value.outcomes[sent++]?.skipped, share, started);
    });
    if ('error' in attempt.value) throw attempt.value.error;
    return entries;
  }

  for (const action of actions) {
    const { name, detail } = describe(action);
    const started = performance.now();
    const pending = stillNeeded(action, labels);
    if (!pending) {
      done(name, detail, ALREADY_TRUE, 0, started);
      continue;
    }
    const attempt = await countApiCalls(() =>
      run(client, context.ref, pending, hints).then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      ),
    );
    if ('error' in attempt.value) {
      failed(name, detail, attempt.value.error, attempt.apiCalls, started);
      throw attempt.value.error;
    }
    done(name, detail, attempt.value.result.skipped, attempt.apiCalls, started);
    track(labels, action);
  }
  return entries;
}
