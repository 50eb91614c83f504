import type { RequesterType } from '@gitbeaker/requester-utils';
import { ForgeError } from '../errors.js';
import type { ForgeHook, HookHealth, HookLogEntry, HookScope } from '../forge.js';

/** `GET /projects/:id/hooks/:hook_id` (and the group's), the fields catch-up reads. */
interface GitlabHookJson {
  id: number;
  url: string;
  /** `executable`, `temporarily_disabled` (back-off after failures) or `disabled` (for good, after 40). */
  alert_status?: string;
  disabled_until?: string | null;
}

/** `GET /projects/:id/hooks/:hook_id/events`: one logged attempt (API::Entities::WebHookLog). */
interface GitlabHookEventJson {
  id: number;
  trigger: string;
  request_headers: Record<string, string>;
  /** The receiver's status as a string, or e.g. `internal error` when it could not be reached. */
  response_status: string;
  created_at: string;
}

const PAGE_SIZE = 100;

type GitlabScope = Extract<HookScope, 'project' | 'group'>;

function gitlabScope(scope: HookScope): GitlabScope {
  if (scope !== 'project' && scope !== 'group')
    throw new ForgeError('rejected', `a GitLab hook is a project or group hook, not ${scope}`, null);
  return scope;
}

function hookBase(scope: HookScope, owner: string, id: number): string {
  return `${gitlabScope(scope) === 'project' ? 'projects' : 'groups'}/${encodeURIComponent(owner)}/hooks/${id}`;
}

export function gitlabHookHealth(hook: Pick<GitlabHookJson, 'alert_status' | 'disabled_until'>): HookHealth {
  const status = hook.alert_status ?? 'executable';
  if (status === 'executable') return { status: 'ok', detail: 'alert_status executable' };
  const until = hook.disabled_until ? ` until ${hook.disabled_until}` : '';
  return { status: 'disabled', detail: `alert_status ${status}${until}` };
}

function toHook(scope: GitlabScope, owner: string, json: GitlabHookJson): ForgeHook {
  return { scope, owner, id: json.id, url: json.url, health: gitlabHookHealth(json) };
}

function header(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

function toLogEntry(event: GitlabHookEventJson): HookLogEntry {
  const headers = event.request_headers ?? {};
  const ids = [header(headers, 'x-gitlab-event-uuid'), header(headers, 'idempotency-key')].filter((id): id is string =>
    Boolean(id),
  );
  const status = /^\d{3}$/.test(event.response_status) ? Number(event.response_status) : null;
  return {
    logId: event.id,
    deliveryIds: [...new Set(ids)],
    event: header(headers, 'x-gitlab-event') ?? event.trigger,
    at: event.created_at,
    status,
  };
}

/**
 * Project and group hooks, their event log (GitLab 17.3+, the last 7 days) and resend. gitbeaker
 * has no call for the log, so these go through its requester: the same request policy as the rest.
 */
export class GitlabHooks {
  constructor(private readonly requester: RequesterType) {}

  async list(project: string): Promise<ForgeHook[]> {
    const response = await this.requester.get(`projects/${encodeURIComponent(project)}/hooks`, {
      searchParams: { per_page: PAGE_SIZE },
    });
    return (response.body as unknown as GitlabHookJson[]).map((json) => toHook('project', project, json));
  }

  async get(scope: HookScope, owner: string, id: number): Promise<ForgeHook> {
    const response = await this.requester.get(hookBase(scope, owner, id));
    return toHook(gitlabScope(scope), owner, response.body as unknown as GitlabHookJson);
  }

  /** Newest first (GitLab lists a hook's recent log that way), stopping at the first page that reaches `since`. */
  async *log(hook: ForgeHook, since: string): AsyncIterable<HookLogEntry> {
    const sinceMs = Date.parse(since);
    for (let page: number | null = 1; page !== null; ) {
      const response: { body: unknown; headers: Record<string, string> } = await this.requester.get(
        `${hookBase(hook.scope, hook.owner, hook.id)}/events`,
        {
          searchParams: { per_page: PAGE_SIZE, page },
        },
      );
      let reachedSince = false;
      for (const event of response.body as unknown as GitlabHookEventJson[]) {
        if (Date.parse(event.created_at) < sinceMs) reachedSince = true;
        else yield toLogEntry(event);
      }
      const next: number = Number(response.headers['x-next-page'] ?? '');
      page = !reachedSince && Number.isInteger(next) && next > 0 ? next : null;
    }
  }

  async resend(hook: ForgeHook, entry: HookLogEntry): Promise<void> {
    await this.requester.post(`${hookBase(hook.scope, hook.owner, hook.id)}/events/${entry.logId}/resend`);
  }
}
