import type { IssueRef } from '../domain/types.js';
import type { InboxRow } from '../store/store.js';
import type { Alert } from './alert.js';

type Issue = NonNullable<Alert['issue']>;

const MAX_ERROR_CHARS = 500;

const field = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>(
    (at, key) => (typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined),
    value,
  );

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function parsed(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

/**
 * The issue a dead letter was about, from what intake stored: the ordering key names a GitLab
 * issue exactly; a GitHub body names its repository and number (a Projects v2 item event only
 * its node id). The body was valid when stored, but is read defensively: it failed processing.
 */
export function deadLetterIssue(row: Pick<InboxRow, 'forge' | 'orderingKey' | 'body'>): Issue {
  const body = parsed(row.body);
  const gitlab = /^gitlab:(.+)#(\d+)$/.exec(row.orderingKey);
  const ref: IssueRef = gitlab
    ? { forge: 'gitlab', project: gitlab[1]!, iid: Number(gitlab[2]) }
    : {
        forge: row.forge,
        project: text(field(body, 'repository', 'full_name')) ?? '',
        iid: Number(field(body, 'issue', 'number')) || 0,
        nodeId: row.orderingKey.replace(/^github:/, ''),
      };
  const url = text(field(body, 'object_attributes', 'url')) ?? text(field(body, 'issue', 'html_url'));
  const title = text(field(body, 'object_attributes', 'title')) ?? text(field(body, 'issue', 'title'));
  return { ...ref, ...(url ? { url } : {}), ...(title ? { title } : {}) };
}

/** The alert for a delivery the worker has just dead-lettered. */
export function deadLetterAlert(row: InboxRow, error: string, at: Date): Alert {
  const reason = error.length > MAX_ERROR_CHARS ? `${error.slice(0, MAX_ERROR_CHARS)}…` : error;
  return {
    kind: 'dead-letter',
    at: at.toISOString(),
    issue: deadLetterIssue(row),
    summary: `Delivery ${row.id} (${row.event}) was dead-lettered after ${row.attempts} attempt${row.attempts === 1 ? '' : 's'}: ${reason}`,
    details: { deliveryId: row.id, forge: row.forge, event: row.event, attempts: row.attempts, error: reason },
  };
}
