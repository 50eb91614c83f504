import { createHmac } from 'node:crypto';
import type { IssueAction, IssueEvent } from '../../domain/types.js';
import { safeEqual } from '../../safe-equal.js';
import { field, type AllowList } from '../allow-list.js';
import type { Classified, ForgeWebhooks, Headers } from '../forge.js';
import { header, toIsoTime } from '../headers.js';
import { describeZodError } from '../payload-error.js';
import { classifyGithubComment, normalizeGithubComment } from './comment.js';
import { githubActor, githubDelivery } from './identity.js';
import {
  githubIssueCommentSchema,
  githubIssuesSchema,
  githubProjectItemSchema,
  type GithubIssues,
  type GithubProjectItem,
} from './payload.js';

const ISSUE_ACTIONS: ReadonlySet<string> = new Set<IssueAction>([
  'opened',
  'edited',
  'labeled',
  'unlabeled',
  'closed',
  'reopened',
  'deleted',
  'transferred',
  'assigned',
  'unassigned',
]);

const HANDLED_EVENTS: ReadonlySet<string> = new Set(['issues', 'issue_comment', 'projects_v2_item']);

const EPOCH = new Date(0).toISOString();

export function normalizeGithubIssue(
  deliveryId: string,
  payload: GithubIssues,
  botUsers: ReadonlySet<string>,
): IssueEvent {
  const { issue } = payload;
  const action = payload.action as IssueAction;
  const current = (issue.labels ?? []).map((l) => l.name);
  const changed = payload.label?.name;
  // The action is authoritative over the issue's label list, which GitHub may render before or after it.
  const without = current.filter((l) => l !== changed);
  const withIt = [...without, ...(changed ? [changed] : [])];
  const [labelsBefore, labelsAfter] =
    changed && action === 'labeled'
      ? [without, withIt]
      : changed && action === 'unlabeled'
        ? [withIt, without]
        : [current, current];
  const updatedAt = toIsoTime(issue.updated_at, EPOCH);
  return {
    deliveryId,
    forge: 'github',
    action,
    issue: { forge: 'github', project: payload.repository.full_name, iid: issue.number, nodeId: issue.node_id },
    globalId: issue.id,
    url: issue.html_url,
    title: issue.title ?? '',
    body: issue.body ?? '',
    state: issue.state === 'closed' ? 'closed' : 'open',
    author: issue.user?.login,
    actor: githubActor(payload.sender, botUsers),
    labelsBefore,
    labelsAfter,
    bodyChanged:
      action === 'opened' ||
      (action === 'edited' && (payload.changes?.body !== undefined || payload.changes?.title !== undefined)),
    occurredAt: action === 'closed' ? toIsoTime(issue.closed_at, updatedAt) : updatedAt,
    createdAt: toIsoTime(issue.created_at, updatedAt),
    assignees: githubAssignees(payload),
  };
}

/** Like labels, the action is authoritative over the issue's list, which GitHub may render before or after it. */
function githubAssignees(payload: GithubIssues): string[] | undefined {
  const listed = payload.issue.assignees;
  if (!listed) return undefined;
  const current = listed.flatMap((user) => (user ? [user.login] : []));
  const changed = payload.assignee?.login;
  if (!changed || (payload.action !== 'assigned' && payload.action !== 'unassigned')) return current;
  const without = current.filter((login) => login !== changed);
  return payload.action === 'assigned' ? [...without, changed] : without;
}

const optionName = (value: unknown): string | null =>
  typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string'
    ? (value as { name: string }).name
    : null;

/**
 * A person changed a number field of a board card, one of those holding hours: the engine reads
 * the card's values (the payload may not carry them) and resolves the issue.
 */
function normalizeGithubEffortEdit(
  deliveryId: string,
  payload: GithubProjectItem,
  botUsers: ReadonlySet<string>,
): IssueEvent {
  return boardItemEvent(deliveryId, payload, botUsers, 'effort_changed');
}

/** What every board-item event says: only the card's content node id is known; the engine resolves the issue. */
function boardItemEvent(
  deliveryId: string,
  payload: GithubProjectItem,
  botUsers: ReadonlySet<string>,
  action: IssueAction,
): IssueEvent {
  const item = payload.projects_v2_item;
  return {
    deliveryId,
    forge: 'github',
    action,
    issue: { forge: 'github', project: '', iid: 0, nodeId: item.content_node_id },
    title: '',
    body: '',
    state: 'open',
    actor: githubActor(payload.sender, botUsers),
    labelsBefore: [],
    labelsAfter: [],
    bodyChanged: false,
    occurredAt: toIsoTime(item.updated_at, EPOCH),
  };
}

/** A person changed a field of a board card. Only the node ids are known; the engine resolves the issue. */
export function normalizeGithubProjectItem(
  deliveryId: string,
  payload: GithubProjectItem,
  botUsers: ReadonlySet<string>,
): IssueEvent {
  const item = payload.projects_v2_item;
  const change = payload.changes?.field_value;
  return {
    ...boardItemEvent(deliveryId, payload, botUsers, 'board_status_changed'),
    boardStatus: {
      projectNodeId: item.project_node_id,
      itemNodeId: item.node_id,
      fieldNodeId: change?.field_node_id,
      from: optionName(change?.from),
      to: optionName(change?.to),
    },
  };
}

function classifyIssues(id: string, payload: unknown): Classified {
  const parsed = githubIssuesSchema.safeParse(payload);
  if (!parsed.success) return { invalid: describeZodError(parsed.error) };
  const { action, issue } = parsed.data;
  if (!ISSUE_ACTIONS.has(action)) return { ignored: `issues.${action} is not handled` };
  return { accept: githubDelivery(id, 'issues', action, issue.node_id) };
}

/** Is the edited board field one that holds hours? A payload that names no field is read from the card. */
function isEffortField(
  fieldType: string | undefined,
  fieldName: string | undefined,
  effortFields: ReadonlySet<string>,
): boolean {
  return fieldType === 'number' && effortFields.size > 0 && (fieldName === undefined || effortFields.has(fieldName));
}

function classifyProjectItem(
  id: string,
  payload: unknown,
  onlyKnownIssues: boolean,
  effortFields: ReadonlySet<string>,
): Classified {
  const parsed = githubProjectItemSchema.safeParse(payload);
  if (!parsed.success) return { invalid: describeZodError(parsed.error) };
  const { action, projects_v2_item: item, changes } = parsed.data;
  if (action !== 'edited') return { ignored: `projects_v2_item.${action} is not handled` };
  if (item.content_type !== 'Issue') return { ignored: `board item of type ${item.content_type} is not handled` };
  const edited = changes?.field_value;
  const effort = isEffortField(edited?.field_type, edited?.field_name, effortFields);
  if (edited?.field_type !== undefined && edited.field_type !== 'single_select' && !effort) {
    return { ignored: `board field of type ${edited.field_type} is not handled` };
  }
  return {
    accept: githubDelivery(id, 'projects_v2_item', 'edited', item.content_node_id),
    ...(onlyKnownIssues
      ? { onlyForKnownIssue: { forge: 'github', project: '', iid: 0, nodeId: item.content_node_id } }
      : {}),
  };
}

export function createGithubWebhooks(options: {
  secret: string | undefined;
  botUsers?: string[];
  repositories?: AllowList | null;
  /** Names of the board's number fields holding hours (`github.project.effortFields`): their edits are accepted. */
  effortFields?: readonly string[];
}): ForgeWebhooks {
  const botUsers = new Set(options.botUsers ?? []);
  const effortFields = new Set(options.effortFields ?? []);
  const secret = options.secret;
  return {
    forge: 'github',
    async verify(headers: Headers, rawBody: Buffer): Promise<boolean> {
      const signature = header(headers, 'x-hub-signature-256');
      if (!secret || !signature) return false;
      // Over the bytes as received (no decoding round trip), compared in constant time.
      return safeEqual(signature, `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`);
    },
    classify(headers: Headers, payload: unknown): Classified {
      const event = header(headers, 'x-github-event') ?? '';
      const id = header(headers, 'x-github-delivery');
      if (!HANDLED_EVENTS.has(event)) return { ignored: `event '${event || '(none)'}' is not handled` };
      if (!id) return { invalid: 'X-GitHub-Delivery header is missing' };
      const allowed = options.repositories;
      if (event === 'projects_v2_item') {
        // Organisation webhooks send board events of every repository, naming none: with a list set,
        // a board move counts only for an issue already seen from a listed repository.
        return classifyProjectItem(id, payload, allowed !== null && allowed !== undefined, effortFields);
      }
      if (allowed && !allowed.allows(field(payload, 'repository', 'full_name')))
        return { ignored: `repository is not in ${allowed.setting}` };
      return event === 'issue_comment' ? classifyGithubComment(id, payload) : classifyIssues(id, payload);
    },
    normalize(delivery) {
      const body: unknown = JSON.parse(delivery.body);
      if (delivery.headers['x-github-event'] === 'projects_v2_item') {
        const parsed = githubProjectItemSchema.safeParse(body);
        if (!parsed.success) return { ignored: describeZodError(parsed.error) };
        const edited = parsed.data.changes?.field_value;
        return isEffortField(edited?.field_type, edited?.field_name, effortFields)
          ? normalizeGithubEffortEdit(delivery.id, parsed.data, botUsers)
          : normalizeGithubProjectItem(delivery.id, parsed.data, botUsers);
      }
      if (delivery.headers['x-github-event'] === 'issue_comment') {
        const comment = githubIssueCommentSchema.safeParse(body);
        return comment.success
          ? normalizeGithubComment(delivery.id, comment.data, botUsers)
          : { ignored: describeZodError(comment.error) };
      }
      const parsed = githubIssuesSchema.safeParse(body);
      return parsed.success
        ? normalizeGithubIssue(delivery.id, parsed.data, botUsers)
        : { ignored: describeZodError(parsed.error) };
    },
  };
}
