import type { Config } from '../config/schema.js';
import type { AuditEntry, ForgeName, IssueEvent, IssueState } from '../domain/types.js';
import { isForgeError } from '../forges/errors.js';
import type { ForgeClient, ForgeWebhooks } from '../forges/forge.js';
import { withWebUrl } from '../forges/web-links.js';
import type { Logger } from '../logger.js';
import { decide } from '../rules/index.js';
import type { InboxRow, Outcome, Store } from '../store/store.js';
import { recordAssignees } from './assignees.js';
import { isBackfilled } from '../domain/issue-memory.js';
import { executeActions } from '../actions/executor.js';
import type { DeliveryHandler } from './worker.js';

export interface PipelineOptions {
  config: Config;
  store: Store;
  webhooks: Record<ForgeName, ForgeWebhooks>;
  /** null for a forge in dry-run. */
  clients: Record<ForgeName, ForgeClient | null>;
  now?: () => Date;
}

function skipped(event: IssueEvent, reason: string, now: Date): AuditEntry {
  return {
    at: now.toISOString(),
    deliveryId: event.deliveryId,
    forge: event.forge,
    project: event.issue.project,
    iid: event.issue.iid,
    action: 'skip',
    detail: { reason },
    result: 'skipped',
    apiCalls: 0,
    latencyMs: 0,
  };
}

/**
 * A board-card event names the issue only by node id: complete it from what we know of the issue,
 * or from the forge. Returns null when the issue cannot be identified.
 */
async function resolveIssue(event: IssueEvent, store: Store, client: ForgeClient | null): Promise<IssueEvent | null> {
  if (event.issue.iid !== 0) return event;
  const known = await store.getIssueState(event.issue);
  if (known) {
    return { ...event, issue: known.ref, title: known.title, labelsBefore: known.labels, labelsAfter: known.labels };
  }
  const current = client ? await client.getIssue(event.issue) : null;
  if (!current) return null;
  return {
    ...event,
    issue: current.ref,
    title: current.title,
    body: current.body,
    state: current.state,
    labelsBefore: current.labels,
    labelsAfter: current.labels,
  };
}

/** A board move whose payload does not name the new Status (older GitHub payloads): read it from the card. */
async function withBoardStatus(event: IssueEvent, client: ForgeClient | null): Promise<IssueEvent> {
  if (!event.boardStatus || event.boardStatus.to !== null || !client) return event;
  return { ...event, boardStatus: { ...event.boardStatus, to: await client.boardStatus(event.issue) } };
}

/**
 * Every comment the bot writes is recorded in the issue state (its digest) with the delivery that
 * wrote it; an issue first seen at its opening has no comment of ours either. A state backfill
 * wrote has not seen the comments.
 */
function botNeverCommented(event: IssueEvent, previous: IssueState | null): boolean {
  if (!previous) return event.action === 'opened';
  return previous.commentDigest === null && !isBackfilled(previous.extra);
}

/**
 * A comment tells nothing of an issue's kind, stage or fields: boardkeeper learns an issue from its
 * issue events (or backfill), and records a comment's activity only on an issue it already tracks,
 * so that talk on a repository's other issues never gives them a state.
 */
function commentOnUntrackedIssue(event: IssueEvent, previous: IssueState | null): boolean {
  return event.action === 'commented' && previous === null;
}

/** normalise → load state → rules → execute → outcome (committed by the worker with the completion). */
export function createPipeline(options: PipelineOptions): DeliveryHandler {
  const now = options.now ?? (() => new Date());
  return async (row: InboxRow, log: Logger): Promise<Outcome> => {
    const normalized = options.webhooks[row.forge].normalize(row);
    if ('ignored' in normalized) {
      log.info({ reason: normalized.ignored }, 'delivery ignored');
      return {};
    }
    const client = options.clients[row.forge];
    const applied: AuditEntry[] = [];
    try {
      const resolved = await resolveIssue(normalized, options.store, client);
      if (!resolved) return { audit: [skipped(normalized, 'board card of an issue boardkeeper has not seen', now())] };
      const event = await withBoardStatus(resolved, client);
      const previous = await options.store.getIssueState(event.issue);
      if (commentOnUntrackedIssue(event, previous)) {
        log.info('a comment on an issue boardkeeper does not track: not recorded');
        return {};
      }
      const decision = decide(event, previous, options.config);
      const context = {
        client,
        ref: event.issue,
        deliveryId: row.id,
        now,
        knownLabels: event.labelsAfter,
        // A retried delivery may have been partly applied before: read the issue's labels first.
        verifyLabels: row.attempts > 1,
        // A replayed dead letter starts again at attempt 1 but may have commented before: its last error says so.
        hints: { botCommentAbsent: row.attempts === 1 && row.lastError === null && botNeverCommented(event, previous) },
      };
      await executeActions(context, decision.actions, (entry) => applied.push(entry));
      const assigned = recordAssignees(event, previous, decision.state);
      return { state: withWebUrl(assigned.state, event.url), transitions: [...decision.transitions, ...assigned.transitions], audit: applied };
    } catch (error) {
      if (isForgeError(error) && error.kind === 'not-found') {
        log.warn({ err: error }, 'issue no longer exists on the forge; skipped');
        return { audit: [...applied, skipped(normalized, `not found on the forge: ${error.message}`, now())] };
      }
      // The delivery will be retried, but what this attempt did (and where it failed) stays on record.
      if (applied.length > 0) await options.store.recordAudit(applied).catch(() => {});
      throw error;
    }
  };
}
