import { seconds, type EffortReading } from '../../domain/effort.js';
import type { IssueAction, IssueEvent } from '../../domain/types.js';
import { safeEqual } from '../../safe-equal.js';
import { field, type AllowList } from '../allow-list.js';
import type { Classified, ForgeWebhooks, Headers } from '../forge.js';
import { bodyDigestId, header, toIsoTime } from '../headers.js';
import { describeZodError } from '../payload-error.js';
import { gitlabActor, gitlabOrderingKey } from './identity.js';
import { classifyGitlabNote, NOTE_EVENTS, normalizeGitlabNote } from './note.js';
import { gitlabIssueHookSchema, gitlabNoteHookSchema, type GitlabIssueHook } from './payload.js';

const ISSUE_EVENTS = new Set(['Issue Hook', 'Confidential Issue Hook', 'Work Item Hook']);
/** Work items other than issues (tasks, epics, OKRs) are not cards on a services board. */
const ISSUE_TYPES = new Set(['Issue', 'ISSUE', 'issue']);

const ACTIONS: Record<string, IssueAction> = {
  open: 'opened',
  update: 'updated',
  close: 'closed',
  reopen: 'reopened',
  delete: 'deleted',
  move: 'transferred',
};

const titles = (labels: { title: string }[] | null | undefined): string[] => (labels ?? []).map((l) => l.title);

export function normalizeGitlabIssue(
  deliveryId: string,
  hook: GitlabIssueHook,
  botUsers: ReadonlySet<string>,
): IssueEvent {
  const attributes = hook.object_attributes;
  const labelsAfter = titles(hook.changes?.labels?.current ?? hook.labels);
  const labelsBefore = hook.changes?.labels?.previous ? titles(hook.changes.labels.previous) : labelsAfter;
  const fallbackTime = toIsoTime(attributes.updated_at, new Date(0).toISOString());
  const action = ACTIONS[attributes.action ?? ''] ?? 'updated';
  const labelsChanged = hook.changes?.labels !== undefined;
  return {
    deliveryId,
    forge: 'gitlab',
    action:
      action === 'updated' && labelsChanged
        ? 'labeled'
        : action === 'updated' && hasBodyChange(hook)
          ? 'edited'
          : action,
    issue: { forge: 'gitlab', project: String(hook.project.id), iid: attributes.iid },
    globalId: attributes.id,
    url: attributes.url ?? undefined,
    title: attributes.title ?? '',
    body: attributes.description ?? '',
    state: attributes.state === 'closed' ? 'closed' : 'open',
    actor: gitlabActor(hook.user, botUsers),
    labelsBefore,
    labelsAfter,
    bodyChanged: action === 'opened' || hasBodyChange(hook),
    // `changes.updated_at.current` is the instant of this very change; `updated_at` may be later on a stale body.
    occurredAt: toIsoTime(hook.changes?.updated_at?.current, fallbackTime),
    createdAt: toIsoTime(attributes.created_at, fallbackTime),
    assignees: gitlabAssignees(hook),
    effort: gitlabEffort(hook),
  };
}

/**
 * GitLab's time tracking, in seconds; 0 is how it says "none logged" (also after `/spend` reset
 * or `/remove_estimate`). `changes.total_time_spent.current` is the total right after this very
 * change, so it wins over `object_attributes`, which may be rendered later.
 */
function gitlabEffort(hook: GitlabIssueHook): EffortReading | undefined {
  const attributes = hook.object_attributes;
  const spent = hook.changes?.total_time_spent?.current ?? attributes.total_time_spent;
  const estimate = hook.changes?.time_estimate?.current ?? attributes.time_estimate;
  const positive = (value: number | null) => (value ? seconds(value) : null);
  const reading: EffortReading = {
    ...(spent !== undefined ? { spentSeconds: positive(spent) } : {}),
    ...(estimate !== undefined ? { estimateSeconds: positive(estimate) } : {}),
  };
  return Object.keys(reading).length > 0 ? reading : undefined;
}

/** `changes.assignees.current` is the list after this change; without a change, the hook's `assignees` (absent on older hooks: unknown). */
function gitlabAssignees(hook: GitlabIssueHook): string[] | undefined {
  const list = hook.changes?.assignees?.current ?? hook.assignees;
  return list ? list.map((a) => a.username) : hook.changes?.assignees ? [] : undefined;
}

function hasBodyChange(hook: GitlabIssueHook): boolean {
  return hook.changes?.description !== undefined || hook.changes?.title !== undefined;
}

/**
 * GitLab's retries and manual resends of a hook keep its `Idempotency-Key` but may carry a new
 * `X-Gitlab-Event-UUID`, so the key identifies the delivery first; older GitLab sends only the UUID.
 * Without either, the received bytes (not a re-serialisation: a retry repeats them exactly, and
 * stringifying a hostile, deeply nested body would overflow the stack).
 */
function gitlabDeliveryId(headers: Headers, rawBody: string | undefined, payload: unknown): string {
  return (
    header(headers, 'idempotency-key') ??
    header(headers, 'x-gitlab-event-uuid') ??
    bodyDigestId(rawBody ?? JSON.stringify(payload))
  );
}

export function createGitlabWebhooks(options: {
  secret: string | undefined;
  botUsers?: string[];
  projects?: AllowList | null;
}): ForgeWebhooks {
  const botUsers = new Set(options.botUsers ?? []);
  return {
    forge: 'gitlab',
    async verify(headers: Headers, _rawBody: Buffer): Promise<boolean> {
      const token = header(headers, 'x-gitlab-token');
      return Boolean(options.secret && token && safeEqual(token, options.secret));
    },
    classify(headers: Headers, payload: unknown, rawBody?: string): Classified {
      const event = header(headers, 'x-gitlab-event') ?? '';
      if (!ISSUE_EVENTS.has(event) && !NOTE_EVENTS.has(event))
        return { ignored: `event '${event || '(none)'}' is not handled` };
      const allowed = options.projects;
      if (
        allowed &&
        !allowed.allows(field(payload, 'project', 'id'), field(payload, 'project', 'path_with_namespace'))
      ) {
        return { ignored: `project is not in ${allowed.setting}` };
      }
      if (NOTE_EVENTS.has(event))
        return classifyGitlabNote(event, payload, () => gitlabDeliveryId(headers, rawBody, payload));
      const parsed = gitlabIssueHookSchema.safeParse(payload);
      if (!parsed.success) return { invalid: describeZodError(parsed.error) };
      const { object_attributes: attributes, project } = parsed.data;
      if (attributes.type && !ISSUE_TYPES.has(attributes.type)) {
        return { ignored: `work item type '${attributes.type}' is not handled` };
      }
      const id = gitlabDeliveryId(headers, rawBody, payload);
      return {
        accept: {
          id,
          forge: 'gitlab',
          event: `${event}.${attributes.action ?? 'update'}`,
          orderingKey: gitlabOrderingKey(project.id, attributes.iid),
          headers: { 'x-gitlab-event': event },
        },
      };
    },
    normalize(delivery) {
      if (NOTE_EVENTS.has(delivery.headers['x-gitlab-event'] ?? '')) {
        const note = gitlabNoteHookSchema.safeParse(JSON.parse(delivery.body));
        if (!note.success) return { ignored: `stored body no longer parses: ${describeZodError(note.error)}` };
        return normalizeGitlabNote(delivery.id, note.data, botUsers);
      }
      const parsed = gitlabIssueHookSchema.safeParse(JSON.parse(delivery.body));
      if (!parsed.success) return { ignored: `stored body no longer parses: ${describeZodError(parsed.error)}` };
      return normalizeGitlabIssue(delivery.id, parsed.data, botUsers);
    },
  };
}
