import type { IssueEvent } from '../../domain/types.js';
import { field } from '../allow-list.js';
import type { Classified } from '../forge.js';
import { toIsoTime } from '../headers.js';
import { describeZodError } from '../payload-error.js';
import { githubActor, githubDelivery } from './identity.js';
import { githubIssueCommentSchema, type GithubIssueComment } from './payload.js';

/** A comment written or edited; a deleted one takes nothing back (the activity happened). */
const COMMENT_ACTIONS: ReadonlySet<string> = new Set(['created', 'edited']);

/**
 * A person's comment on an issue is that issue's activity. GitHub sends comments on pull requests
 * as `issue_comment` too (their `issue` has a `pull_request` key): those are not an issue's, and
 * are looked at before the full parse, so a shape boardkeeper never reads cannot make them a 400.
 */
export function classifyGithubComment(id: string, payload: unknown): Classified {
  if (field(payload, 'issue', 'pull_request') !== undefined)
    return { ignored: "a comment on a pull request is not an issue's activity" };
  const parsed = githubIssueCommentSchema.safeParse(payload);
  if (!parsed.success) return { invalid: describeZodError(parsed.error) };
  const { action, issue } = parsed.data;
  if (!COMMENT_ACTIONS.has(action)) return { ignored: `issue_comment.${action} is not handled` };
  return { accept: githubDelivery(id, 'issue_comment', action, issue.node_id) };
}

export function normalizeGithubComment(
  deliveryId: string,
  payload: GithubIssueComment,
  botUsers: ReadonlySet<string>,
): IssueEvent {
  const { issue, comment } = payload;
  const labels = (issue.labels ?? []).map((l) => l.name);
  // `updated_at` is the edit's time on an edited comment, the writing's on a new one.
  const at = toIsoTime(comment.updated_at, toIsoTime(comment.created_at, new Date(0).toISOString()));
  return {
    deliveryId,
    forge: 'github',
    action: 'commented',
    issue: { forge: 'github', project: payload.repository.full_name, iid: issue.number, nodeId: issue.node_id },
    globalId: issue.id,
    url: issue.html_url,
    title: issue.title ?? '',
    body: issue.body ?? '',
    state: issue.state === 'closed' ? 'closed' : 'open',
    author: issue.user?.login,
    actor: githubActor(payload.sender, botUsers),
    labelsBefore: labels,
    labelsAfter: labels,
    bodyChanged: false,
    occurredAt: at,
    createdAt: toIsoTime(issue.created_at, at),
    comment: { body: comment.body ?? '' },
  };
}
