import type { IssueEvent } from '../../domain/types.js';
import { field } from '../allow-list.js';
import type { Classified } from '../forge.js';
import { toIsoTime } from '../headers.js';
import { describeZodError } from '../payload-error.js';
import { gitlabActor, gitlabOrderingKey } from './identity.js';
import { gitlabNoteHookSchema, type GitlabNoteHook } from './payload.js';

/** Comment hooks; a comment on a confidential issue comes as `Confidential Note Hook`. */
export const NOTE_EVENTS: ReadonlySet<string> = new Set(['Note Hook', 'Confidential Note Hook']);
/** Written and edited (GitLab 16.11+ names the action; older hooks, for a new comment only, do not). */
const NOTE_ACTIONS: ReadonlySet<string> = new Set(['create', 'update']);

/**
 * A person's comment on an issue is that issue's activity. Comments on merge requests, commits and
 * snippets, and GitLab's own system notes ("added label …"), are not; they are looked at before
 * the full parse, so a shape boardkeeper never reads cannot make them a 400.
 */
export function classifyGitlabNote(event: string, payload: unknown, deliveryId: () => string): Classified {
  const target = field(payload, 'object_attributes', 'noteable_type');
  if (target !== 'Issue') return { ignored: `a comment on a ${String(target ?? '(none)')} is not an issue's activity` };
  if (field(payload, 'object_attributes', 'system') === true) return { ignored: 'a system note is not activity' };
  const parsed = gitlabNoteHookSchema.safeParse(payload);
  if (!parsed.success) return { invalid: describeZodError(parsed.error) };
  const { object_attributes: note, issue, project } = parsed.data;
  if (note.action && !NOTE_ACTIONS.has(note.action))
    return { ignored: `comment action '${note.action}' is not handled` };
  if (!issue) return { invalid: 'issue: required for a comment on an issue' };
  return {
    accept: {
      id: deliveryId(),
      forge: 'gitlab',
      event: `${event}.${note.action ?? 'create'}`,
      orderingKey: gitlabOrderingKey(project.id, issue.iid),
      headers: { 'x-gitlab-event': event },
    },
  };
}

export function normalizeGitlabNote(
  deliveryId: string,
  hook: GitlabNoteHook,
  botUsers: ReadonlySet<string>,
): IssueEvent | { ignored: string } {
  const { object_attributes: note, issue } = hook;
  if (!issue) return { ignored: 'the stored comment names no issue' };
  const labels = (issue.labels ?? []).map((l) => l.title);
  // `updated_at` is the edit's time on an edited comment, the writing's on a new one.
  const at = toIsoTime(note.updated_at, toIsoTime(note.created_at, new Date(0).toISOString()));
  return {
    deliveryId,
    forge: 'gitlab',
    action: 'commented',
    issue: { forge: 'gitlab', project: String(hook.project.id), iid: issue.iid },
    globalId: issue.id,
    title: issue.title ?? '',
    body: issue.description ?? '',
    state: issue.state === 'closed' ? 'closed' : 'open',
    actor: gitlabActor(hook.user, botUsers),
    labelsBefore: labels,
    labelsAfter: labels,
    bodyChanged: false,
    occurredAt: at,
    createdAt: toIsoTime(issue.created_at, at),
    comment: { body: note.note ?? '' },
  };
}
