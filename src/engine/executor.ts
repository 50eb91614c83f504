import type { Action, AuditEntry, IssueRef } from '../domain/types.js';
import type { CallResult, ForgeClient } from '../forges/forge.js';

export interface ExecutionContext {
  /** null: dry-run, the actions are recorded as planned and not executed. */
  client: ForgeClient | null;
  ref: IssueRef;
  deliveryId: string | null;
  now: () => Date;
}

function describe(action: Action): { name: string; detail: unknown } {
  const { type, ...detail } = action;
  return { name: type, detail };
}

function run(client: ForgeClient, ref: IssueRef, action: Action): Promise<CallResult> {
  switch (action.type) {
    case 'labels':
      return client.applyLabels(ref, action.add, action.remove);
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

/**
 * Apply actions in order; each one is recorded. A failure propagates (after the entries of the
 * actions already applied were returned through `onApplied`) so the engine can retry the delivery;
 * forge clients are idempotent, so re-running converges.
 */
export async function executeActions(
  context: ExecutionContext,
  actions: Action[],
  onApplied: (entry: AuditEntry) => void = () => {},
): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (const action of actions) {
    const { name, detail } = describe(action);
    const started = performance.now();
    const result = context.client ? await run(context.client, context.ref, action) : { apiCalls: 0 };
    const entry: AuditEntry = {
      at: context.now().toISOString(),
      deliveryId: context.deliveryId,
      forge: context.ref.forge,
      project: context.ref.project,
      iid: context.ref.iid,
      action: name,
      detail,
      result: context.client ? 'applied' : 'planned',
      apiCalls: result.apiCalls,
      latencyMs: Math.round(performance.now() - started),
    };
    entries.push(entry);
    onApplied(entry);
  }
  return entries;
}
