import { seconds } from '../../domain/effort.js';
import { Gitlab } from '@gitbeaker/rest';
import type { IssueRef } from '../../domain/types.js';
import { issueKey } from '../../domain/types.js';
import { IdCache, findMarked } from '../comment-cache.js';
import { counted, notFoundToNull } from '../counted.js';
import type {
  ActionHints,
  CallResult,
  FiledIssue,
  ForgeClient,
  ForgeFiling,
  ForgeHook,
  ForgeIssue,
  HookLogEntry,
  HookScope,
  LabelHistoryEntry,
} from '../forge.js';
import { concurrentHistories, createdEntry } from '../history-pool.js';
import type { RequestPolicy } from '../request-policy.js';
import { GitlabHooks } from './hooks.js';
import { policyRequester } from './transport.js';

export interface GitlabClientOptions {
  /** Instance root, e.g. https://gitlab.com (the client adds /api/v4). */
  url: string;
  token: string;
  policy: RequestPolicy;
  /** Issues whose history `listLabelHistory` reads at once (default 1). */
  historyConcurrency?: number;
}

interface GitlabIssue {
  iid: number;
  project_id: number;
  title: string;
  description: string | null;
  state: string;
  labels: string[];
  author?: { username?: string };
  created_at?: string;
  updated_at?: string;
  assignees?: { username: string }[] | null;
  /** Seconds; 0 is none. */
  time_stats?: { time_estimate?: number | null; total_time_spent?: number | null } | null;
}

interface GitlabNote {
  id: number;
  body: string;
  system?: boolean;
}

interface GitlabStateEvent {
  created_at: string;
  state: string;
  user: { username: string } | null;
}

interface GitlabLabelEvent {
  created_at: string;
  action: 'add' | 'remove';
  label: { name: string } | null;
  user: { username: string } | null;
}

const PAGE_SIZE = 100;

/** GitLab on @gitbeaker/rest. Labels are the board, so every board move is a label change. */
export class GitlabClient implements ForgeClient, ForgeFiling {
  readonly forge = 'gitlab' as const;
  /** The raw gitbeaker API, for `setup` (labels, boards). */
  readonly api: InstanceType<typeof Gitlab<false>>;
  private readonly comments = new IdCache<number>();
  private readonly historyConcurrency: number;
  private readonly hooks: GitlabHooks;

  constructor(options: GitlabClientOptions) {
    this.historyConcurrency = options.historyConcurrency ?? 1;
    this.api = new Gitlab({
      host: options.url.replace(/\/+$/, ''),
      token: options.token,
      requesterFn: policyRequester(options.policy),
      // Our policy sets a per-request timeout; gitbeaker's one would span all pages of a listing.
      queryTimeout: null,
    });
    this.hooks = new GitlabHooks(this.api.requester);
  }

  listHooks(project: string): Promise<ForgeHook[]> {
    return this.hooks.list(project);
  }

  getHook(scope: HookScope, owner: string, id: number): Promise<ForgeHook> {
    return this.hooks.get(scope, owner, id);
  }

  hookLog(hook: ForgeHook, since: string): AsyncIterable<HookLogEntry> {
    return this.hooks.log(hook, since);
  }

  redeliver(hook: ForgeHook, entry: HookLogEntry): Promise<void> {
    return this.hooks.resend(hook, entry);
  }

  async getIssue(ref: IssueRef): Promise<ForgeIssue | null> {
    const issue = (await notFoundToNull(
      this.api.Issues.show(ref.iid, { projectId: ref.project }),
    )) as GitlabIssue | null;
    if (!issue) return null;
    return {
      ref: { forge: 'gitlab', project: ref.project, iid: issue.iid },
      title: issue.title,
      body: issue.description ?? '',
      state: issue.state === 'closed' ? 'closed' : 'open',
      labels: issue.labels,
      author: issue.author?.username,
      createdAt: issue.created_at,
      updatedAt: issue.updated_at,
    };
  }

  /** One `PUT /projects/:id/issues/:iid` with add_labels/remove_labels: both are no-ops for labels already there / gone. */
  applyLabels(ref: IssueRef, add: string[], remove: string[]): Promise<CallResult> {
    return counted(async () => {
      if (add.length === 0 && remove.length === 0) return undefined;
      return this.api.Issues.edit(ref.project, ref.iid, {
        ...(add.length > 0 ? { addLabels: add.join(',') } : {}),
        ...(remove.length > 0 ? { removeLabels: remove.join(',') } : {}),
      });
    });
  }

  /** Updates the note whose id is remembered; searches the notes only when no id is known and one may exist. */
  upsertComment(ref: IssueRef, marker: string, body: string, hints: ActionHints = {}): Promise<CallResult> {
    return counted(async () => {
      const key = `${issueKey(ref)}|${marker}`;
      const known = this.comments.get(key);
      if (known !== undefined) {
        const updated = await notFoundToNull(this.api.IssueNotes.edit(ref.project, ref.iid, known, { body }));
        if (updated) return;
        this.comments.forget(key);
      }
      const existing = known === undefined && hints.botCommentAbsent ? undefined : await this.findNote(ref, marker);
      if (existing) {
        this.comments.set(key, existing.id);
        if (existing.body !== body) await this.api.IssueNotes.edit(ref.project, ref.iid, existing.id, { body });
        return;
      }
      const created = (await this.api.IssueNotes.create(ref.project, ref.iid, body)) as GitlabNote;
      this.comments.set(key, created.id);
    });
  }

  private async findNote(ref: IssueRef, marker: string): Promise<GitlabNote | undefined> {
    const notes = (await this.api.IssueNotes.all(ref.project, ref.iid, {
      sort: 'asc',
      orderBy: 'created_at',
      perPage: PAGE_SIZE,
    })) as GitlabNote[];
    return findMarked(
      notes.filter((note) => !note.system),
      marker,
    );
  }

  async createIssue(
    project: string,
    issue: { title: string; body: string; labels: readonly string[] },
  ): Promise<FiledIssue> {
    let created: { iid: number; web_url: string } | undefined;
    const { apiCalls } = await counted(async () => {
      created = (await this.api.Issues.create(project, issue.title, {
        description: issue.body,
        ...(issue.labels.length > 0 ? { labels: issue.labels.join(',') } : {}),
      })) as { iid: number; web_url: string };
    });
    return { ref: { forge: 'gitlab', project, iid: created!.iid }, webUrl: created!.web_url, apiCalls };
  }

  setIssueBody(ref: IssueRef, body: string): Promise<CallResult> {
    return counted(() => this.api.Issues.edit(ref.project, ref.iid, { description: body }));
  }

  /** GitLab's board lists are the stage labels: moving the label moved the card. */
  async setBoardStatus(_ref: IssueRef, _stage: string): Promise<CallResult> {
    return { apiCalls: 0 };
  }

  /** On GitLab the scoped stage labels are the board. */
  async boardStatus(_ref: IssueRef): Promise<string | null> {
    return null;
  }

  setIssueState(ref: IssueRef, state: 'open' | 'closed'): Promise<CallResult> {
    return counted(() =>
      this.api.Issues.edit(ref.project, ref.iid, { stateEvent: state === 'closed' ? 'close' : 'reopen' }),
    );
  }

  /**
   * Issues updated since `since`, each with its creation, resource label events and resource state
   * events (close / reopen), several issues read at once.
   */
  listLabelHistory(project: string, since?: string): AsyncIterable<LabelHistoryEntry> {
    return concurrentHistories(this.issuesSince(project, since), this.historyConcurrency, (issue) =>
      this.issueHistory(project, issue, since),
    );
  }

  private async *issuesSince(project: string, since?: string): AsyncIterable<GitlabIssue> {
    for (let page: number | null = 1; page !== null; ) {
      const response: { data: unknown; paginationInfo: { next: number | null } } = await this.api.Issues.all({
        projectId: project,
        ...(since ? { updatedAfter: since } : {}),
        orderBy: 'created_at',
        sort: 'asc',
        page,
        perPage: PAGE_SIZE,
        showExpanded: true,
      });
      yield* response.data as GitlabIssue[];
      page = response.paginationInfo.next;
    }
  }

  private async issueHistory(project: string, issue: GitlabIssue, since?: string): Promise<LabelHistoryEntry[]> {
    const ref: IssueRef = { forge: 'gitlab', project, iid: issue.iid };
    const [labelEvents, stateEvents] = await Promise.all([
      this.api.IssueLabelEvents.all(project, issue.iid, { perPage: PAGE_SIZE }) as unknown as Promise<
        GitlabLabelEvent[]
      >,
      this.api.IssueStateEvents.all(project, issue.iid, { perPage: PAGE_SIZE }) as unknown as Promise<
        GitlabStateEvent[]
      >,
    ]);
    const after = (at: string) => !since || at >= since;
    const entries: LabelHistoryEntry[] = [];
    if (issue.created_at && after(issue.created_at))
      entries.push(createdEntry(ref, issue.created_at, issue.title, issue.author?.username ?? 'unknown'));
    for (const event of labelEvents) {
      if (!event.label || !after(event.created_at)) continue;
      entries.push({
        ref,
        label: event.label.name,
        action: event.action,
        at: event.created_at,
        actor: event.user?.username ?? 'unknown',
      });
    }
    for (const event of stateEvents) {
      if ((event.state !== 'closed' && event.state !== 'reopened') || !after(event.created_at)) continue;
      entries.push({
        ref,
        label: '',
        action: event.state,
        at: event.created_at,
        actor: event.user?.username ?? 'unknown',
      });
    }
    entries.push(...currentAssignees(ref, issue), ...currentEffort(ref, issue));
    // Event order within the issue (the replay orders same-instant entries itself).
    return entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }
}

/** GitLab keeps no history of time tracking in its API: a backfill learns the totals now, as of the issue's last update. */
function currentEffort(ref: IssueRef, issue: GitlabIssue): LabelHistoryEntry[] {
  const stats = issue.time_stats;
  if (!issue.updated_at || !stats) return [];
  const positive = (value: number | null | undefined) => (value ? seconds(value) : null);
  const effort = { spentSeconds: positive(stats.total_time_spent), estimateSeconds: positive(stats.time_estimate) };
  return [{ ref, label: '', action: 'effort', effort, at: issue.updated_at, actor: 'unknown' }];
}

/**
 * GitLab's API has no assignment events (only system notes), so a backfill learns who is assigned
 * now, as of the issue's last update.
 */
function currentAssignees(ref: IssueRef, issue: GitlabIssue): LabelHistoryEntry[] {
  if (!issue.updated_at) return [];
  return (issue.assignees ?? []).map((a) => ({
    ref,
    label: '',
    action: 'assigned',
    assignee: a.username,
    at: issue.updated_at!,
    actor: 'unknown',
  }));
}
