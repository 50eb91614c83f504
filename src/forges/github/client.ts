import type { EffortReading } from '../../domain/effort.js';
import type { Octokit } from '@octokit/rest';
import type { Action, IssueRef } from '../../domain/types.js';
import { issueKey } from '../../domain/types.js';
import { IdCache, findMarked } from '../comment-cache.js';
import { counted, notFoundToNull, Skipped } from '../counted.js';
import { ForgeError, isForgeError } from '../errors.js';
import type {
  ActionHints,
  ActionOutcome,
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
import type { GithubAuth } from './auth.js';
import { applyInBatch } from './batch.js';
import { GithubHooks } from './hooks.js';
import { LabelIds } from './label-ids.js';
import type { Mutation } from './mutations.js';
import { ProjectBoard, sameStatusName, type IssueLocator, type ProjectRef } from './projects.js';
import { graphqlCall } from './transport.js';

export interface GithubClientOptions {
  auth: GithubAuth;
  /** The Projects v2 board whose Status mirrors the stage; unset: no board mirroring. */
  project?: ProjectRef;
  /** Issues whose history `listLabelHistory` reads at once (default 1). */
  historyConcurrency?: number;
}

type Repo = {
  owner: string;
  repo: string;
};

interface GraphqlIssue {
  number: number;
  id: string;
  title: string;
  body: string;
  state: 'OPEN' | 'CLOSED';
  labels: { nodes: Array<{ name: string }> };
  author: { login: string } | null;
  createdAt: string;
  updatedAt: string;
  repository: { nameWithOwner: string };
}

const ISSUE_BY_NODE = `query($id: ID!) {
  node(id: $id) {
    ... on Issue {
      number id title body state createdAt updatedAt
      labels(first: 100) { nodes { name } }
      author { login }
      repository { nameWithOwner }
    }
  }
}`;

const PAGE_SIZE = 100;

function splitRepo(project: string): Repo {
  const [owner, repo, ...rest] = project.split('/');
  if (!owner || !repo || rest.length > 0)
    throw new ForgeError('rejected', `GitHub project must be "owner/repo", got "${project}"`, null);
  return { owner, repo };
}

function labelNames(labels: Array<string | { name?: string }>): string[] {
  return labels.map((label) => (typeof label === 'string' ? label : (label.name ?? ''))).filter(Boolean);
}

/** GitHub has no scoped labels and one label per DELETE; its board is a Projects v2 Status field. */
export class GithubClient implements ForgeClient, ForgeFiling {
  readonly forge = 'github' as const;
  private readonly comments = new IdCache<number>();
  /** The bot comments' GraphQL node ids, for the batched path. */
  private readonly commentNodes = new IdCache<string>();
  private readonly labelIds = new LabelIds();
  private readonly board: ProjectBoard | null;
  private readonly hooks: GithubHooks;

  constructor(private readonly options: GithubClientOptions) {
    this.board = options.project ? new ProjectBoard(options.project) : null;
    this.hooks = new GithubHooks(options.auth);
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
    return this.hooks.redeliver(hook, entry);
  }

  /** The Octokit for a repository, for `setup`. */
  octokit(project: string): Promise<Octokit> {
    const { owner, repo } = splitRepo(project);
    return this.options.auth.forOwner(owner, repo);
  }

  /** The Octokit for an organisation (its hooks, for `setup`); a token's, or a fixed App installation's. */
  octokitForOrg(org: string): Promise<Octokit> {
    return this.options.auth.forOwner(org, '');
  }

  get projectBoard(): ProjectBoard | null {
    return this.board;
  }

  async getIssue(ref: IssueRef): Promise<ForgeIssue | null> {
    if (ref.iid === 0 && ref.nodeId) return this.getIssueByNode(ref.nodeId, ref.project);
    const { owner, repo } = splitRepo(ref.project);
    const octokit = await this.options.auth.forOwner(owner, repo);
    const response = await notFoundToNull(octokit.rest.issues.get({ owner, repo, issue_number: ref.iid }));
    if (!response) return null;
    const issue = response.data;
    return {
      ref: { forge: 'github', project: ref.project, iid: issue.number, nodeId: issue.node_id },
      title: issue.title,
      body: issue.body ?? '',
      state: issue.state === 'closed' ? 'closed' : 'open',
      labels: labelNames(issue.labels),
      author: issue.user?.login,
      createdAt: issue.created_at,
      updatedAt: issue.updated_at,
    };
  }

  /** Projects v2 item events carry only the issue's node id: GraphQL `node(id)` gives back the number and repository. */
  private async getIssueByNode(nodeId: string, project: string): Promise<ForgeIssue | null> {
    const owner = project ? splitRepo(project) : { owner: this.options.project?.owner ?? '', repo: '' };
    const octokit = await this.options.auth.forOwner(owner.owner, owner.repo);
    const data = await notFoundToNull(
      graphqlCall<{ node: GraphqlIssue | null }>(octokit, 'issue', ISSUE_BY_NODE, { id: nodeId }),
    );
    const issue = data?.node;
    if (!issue?.number) return null;
    return {
      ref: { forge: 'github', project: issue.repository.nameWithOwner, iid: issue.number, nodeId: issue.id },
      title: issue.title,
      body: issue.body,
      state: issue.state === 'CLOSED' ? 'closed' : 'open',
      labels: issue.labels.nodes.map((label) => label.name),
      author: issue.author?.login,
      createdAt: issue.createdAt,
      updatedAt: issue.updatedAt,
    };
  }

  /**
   * Adds with one POST and removes one label with one DELETE (≤ 2 calls for a stage swap), so a
   * person's concurrent label edit is never overwritten. Removing several labels reads the current
   * set and replaces it (2 calls) instead of one DELETE per label.
   */
  applyLabels(ref: IssueRef, add: string[], remove: string[]): Promise<CallResult> {
    return counted(async () => {
      if (add.length === 0 && remove.length === 0) return undefined;
      const { owner, repo } = splitRepo(ref.project);
      const octokit = await this.options.auth.forOwner(owner, repo);
      const issue = { owner, repo, issue_number: ref.iid };
      if (remove.length > 1) {
        const current = labelNames(
          await octokit.paginate(octokit.rest.issues.listLabelsOnIssue, { ...issue, per_page: PAGE_SIZE }),
        );
        const next = [...new Set([...current, ...add])].filter((label) => !remove.includes(label));
        const unchanged = next.length === current.length && next.every((label) => current.includes(label));
        return unchanged ? undefined : octokit.rest.issues.setLabels({ ...issue, labels: next });
      }
      if (add.length > 0) await octokit.rest.issues.addLabels({ ...issue, labels: add });
      const [name] = remove;
      if (name !== undefined) await this.removeLabel(octokit, { ...issue, name });
      return undefined;
    });
  }

  private async removeLabel(octokit: Octokit, target: Repo & { issue_number: number; name: string }): Promise<void> {
    try {
      await octokit.rest.issues.removeLabel(target);
    } catch (error) {
      // Already gone is what we wanted; a missing issue is still an error.
      if (!(isForgeError(error) && error.kind === 'not-found' && /label does not exist/i.test(error.message)))
        throw error;
    }
  }

  upsertComment(ref: IssueRef, marker: string, body: string, hints: ActionHints = {}): Promise<CallResult> {
    return counted(async () => {
      const { owner, repo } = splitRepo(ref.project);
      const octokit = await this.options.auth.forOwner(owner, repo);
      const key = `${issueKey(ref)}|${marker}`;
      const known = this.comments.get(key);
      if (known !== undefined) {
        if (await notFoundToNull(octokit.rest.issues.updateComment({ owner, repo, comment_id: known, body }))) return;
        this.comments.forget(key);
      }
      const existing =
        known === undefined && hints.botCommentAbsent ? undefined : await this.findComment(octokit, ref, marker);
      if (existing) {
        this.comments.set(key, existing.id);
        if (existing.body !== body)
          await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
        return;
      }
      const created = await octokit.rest.issues.createComment({ owner, repo, issue_number: ref.iid, body });
      this.comments.set(key, created.data.id);
    });
  }

  async createIssue(
    project: string,
    issue: { title: string; body: string; labels: readonly string[] },
  ): Promise<FiledIssue> {
    const { owner, repo } = splitRepo(project);
    let created: { number: number; node_id: string; html_url: string } | undefined;
    const { apiCalls } = await counted(async () => {
      const octokit = await this.options.auth.forOwner(owner, repo);
      created = (
        await octokit.rest.issues.create({
          owner,
          repo,
          title: issue.title,
          body: issue.body,
          labels: [...issue.labels],
        })
      ).data;
    });
    return {
      ref: { forge: 'github', project, iid: created!.number, nodeId: created!.node_id },
      webUrl: created!.html_url,
      apiCalls,
    };
  }

  setIssueBody(ref: IssueRef, body: string): Promise<CallResult> {
    return counted(async () => {
      const { owner, repo } = splitRepo(ref.project);
      const octokit = await this.options.auth.forOwner(owner, repo);
      await octokit.rest.issues.update({ owner, repo, issue_number: ref.iid, body });
    });
  }

  /** The first comment carrying the marker, read from all of the issue's comments (the fallback when no id is known). */
  private async findComment(octokit: Octokit, ref: IssueRef, marker: string) {
    const { owner, repo } = splitRepo(ref.project);
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: ref.iid,
      per_page: PAGE_SIZE,
    });
    return findMarked(comments, marker);
  }

  /**
   * Labels, comment, board Status and state of one delivery as GraphQL mutations in one request
   * (two when the card has to be added first). Label, project, field, option, card and comment ids
   * are cached; when GitHub answers NOT_FOUND they are dropped and the batch is built once more.
   */
  async applyActions(ref: IssueRef, actions: readonly Action[], hints: ActionHints = {}): Promise<ActionOutcome[]> {
    const { owner, repo } = splitRepo(ref.project);
    const octokit = await this.options.auth.forOwner(owner, repo);
    const issueId = ref.nodeId ?? (await this.getIssue(ref))?.ref.nodeId;
    if (!issueId) throw new ForgeError('not-found', `GitHub issue ${ref.project}#${ref.iid} not found`, 404);
    const key = issueKey(ref);
    for (let attempt = 0; ; attempt += 1) {
      const result = await applyInBatch(
        {
          octokit,
          owner,
          repo,
          issueId,
          board: this.board,
          labels: this.labelIds,
          comments: this.commentNodes,
          issueKey: key,
          // After a NOT_FOUND our records may be what is stale: look instead of trusting them.
          commentAbsent: attempt === 0 && hints.botCommentAbsent === true,
          findComment: async (marker) => (await this.findComment(octokit, ref, marker))?.node_id ?? null,
          addNewLabels: async (names) => {
            await octokit.rest.issues.addLabels({ owner, repo, issue_number: ref.iid, labels: names });
            this.labelIds.forget(owner, repo);
          },
        },
        actions,
      );
      if (Array.isArray(result)) return result;
      if (result.type !== 'NOT_FOUND' || attempt > 0) throw result.error;
      this.forgetIds(result.field, owner, repo, key);
    }
  }

  /**
   * A cached id GitHub no longer knows: drop the ids the failed mutation relied on (all of them
   * when GitHub does not say which failed). A comment id just handed out stays: it is fresh.
   */
  private forgetIds(field: Mutation['field'] | null, owner: string, repo: string, key: string): void {
    if (field === null || field === 'addLabelsToLabelable' || field === 'removeLabelsFromLabelable')
      this.labelIds.forget(owner, repo);
    if (field === null || field === 'addProjectV2ItemById' || field === 'updateProjectV2ItemFieldValue')
      this.board?.forget();
    if (field === null || field === 'updateIssueComment') {
      for (const marker of this.commentNodes.keys()) if (marker.startsWith(`${key}|`)) this.commentNodes.forget(marker);
    }
  }

  /** Adds the issue to the board if missing and sets Status to the stage's option, unless it already is. */
  setBoardStatus(ref: IssueRef, stage: string): Promise<CallResult> {
    return counted(async () => {
      if (!this.board) return new Skipped('no github.project configured');
      const { board, octokit, meta, locator } = await this.openBoard(this.board, ref);
      const { owner: boardOwner, number, statusField } = board.project;
      if (!meta) return new Skipped(`project ${boardOwner}#${number} or its "${statusField}" field not found`);
      const option = meta.options.find((candidate) => sameStatusName(candidate.name, stage));
      if (!option) return new Skipped(`"${statusField}" has no option for stage "${stage}" (run boardkeeper setup)`);
      const item = await board.findItem(octokit, meta, locator);
      if (!item) throw new ForgeError('not-found', `GitHub issue ${ref.project}#${ref.iid} not found`, 404);
      if (item.optionId === option.id) return undefined;
      const itemId = item.itemId ?? (await board.addItem(octokit, meta, item.issueId));
      await board.setStatus(octokit, meta, itemId, option.id);
      return undefined;
    });
  }

  async boardStatus(ref: IssueRef): Promise<string | null> {
    if (!this.board) return null;
    const { board, octokit, meta, locator } = await this.openBoard(this.board, ref);
    if (!meta) return null;
    const item = await board.findItem(octokit, meta, locator);
    return meta.options.find((option) => option.id === item?.optionId)?.name ?? null;
  }

  async boardEffort(ref: IssueRef): Promise<EffortReading | null> {
    if (!this.board?.project.effortFields) return null;
    const { board, octokit, meta, locator } = await this.openBoard(this.board, ref);
    if (!meta) return null;
    return (await board.findItem(octokit, meta, locator))?.effort ?? null;
  }

  /** The board's ids, a client authenticated for the issue's owner, and how to find the issue's card. */
  private async openBoard(board: ProjectBoard, ref: IssueRef) {
    const { owner, repo } = splitRepo(ref.project);
    const octokit = await this.options.auth.forOwner(owner, repo);
    const meta = await board.describe(octokit);
    const locator: IssueLocator = ref.nodeId ? { nodeId: ref.nodeId } : { owner, repo, number: ref.iid };
    return { board, octokit, meta, locator };
  }

  setIssueState(ref: IssueRef, state: 'open' | 'closed'): Promise<CallResult> {
    return counted(async () => {
      const { owner, repo } = splitRepo(ref.project);
      const octokit = await this.options.auth.forOwner(owner, repo);
      return octokit.rest.issues.update({ owner, repo, issue_number: ref.iid, state });
    });
  }

  /**
   * Issues updated since `since` (pull requests skipped), each with its creation and its
   * labeled / unlabeled / closed / reopened events, several issues read at once.
   */
  async *listLabelHistory(project: string, since?: string): AsyncIterable<LabelHistoryEntry> {
    const { owner, repo } = splitRepo(project);
    const octokit = await this.options.auth.forOwner(owner, repo);
    const issues = this.issuesSince(octokit, owner, repo, since);
    yield* concurrentHistories(issues, this.options.historyConcurrency ?? 1, (issue) =>
      this.issueHistory(octokit, project, issue, since),
    );
  }

  private async *issuesSince(octokit: Octokit, owner: string, repo: string, since?: string) {
    const pages = octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
      owner,
      repo,
      state: 'all',
      sort: 'created',
      direction: 'asc',
      per_page: PAGE_SIZE,
      ...(since ? { since } : {}),
    });
    for await (const page of pages) for (const issue of page.data) if (!issue.pull_request) yield issue;
  }

  private async issueHistory(
    octokit: Octokit,
    project: string,
    issue: ListedIssue,
    since?: string,
  ): Promise<LabelHistoryEntry[]> {
    const { owner, repo } = splitRepo(project);
    const ref: IssueRef = { forge: 'github', project, iid: issue.number, nodeId: issue.node_id };
    const entries: LabelHistoryEntry[] = [];
    if (!since || issue.created_at >= since)
      entries.push(createdEntry(ref, issue.created_at, issue.title, issue.user?.login ?? 'unknown'));
    const events = await octokit.paginate(octokit.rest.issues.listEvents, {
      owner,
      repo,
      issue_number: issue.number,
      per_page: PAGE_SIZE,
    });
    for (const event of events) {
      if (since && event.created_at < since) continue;
      const actor = ('actor' in event && event.actor?.login) || 'unknown';
      const at = event.created_at;
      const assignment = assignmentEntry(ref, event, since);
      if (assignment) entries.push(assignment);
      if (event.event === 'closed' || event.event === 'reopened')
        entries.push({ ref, label: '', action: event.event, at, actor });
      if ((event.event === 'labeled' || event.event === 'unlabeled') && 'label' in event && event.label) {
        entries.push({ ref, label: event.label.name, action: event.event === 'labeled' ? 'add' : 'remove', at, actor });
      }
    }
    entries.push(...(await this.cardEffort(octokit, ref, issue.updated_at)));
    return entries;
  }

  /** The board keeps no history of its hours fields: a backfill learns them now, as of the issue's last update. */
  private async cardEffort(octokit: Octokit, ref: IssueRef, updatedAt: string): Promise<LabelHistoryEntry[]> {
    if (!this.board?.project.effortFields || !ref.nodeId) return [];
    const meta = await this.board.describe(octokit);
    const item = meta ? await this.board.findItem(octokit, meta, { nodeId: ref.nodeId }) : null;
    if (!item?.itemId) return [];
    const effort = {
      spentSeconds: item.effort.spentSeconds ?? null,
      estimateSeconds: item.effort.estimateSeconds ?? null,
    };
    return [{ ref, label: '', action: 'effort', effort, at: updatedAt, actor: 'unknown' }];
  }
}

/** An issue event that assigned or unassigned someone, as a history entry (null for any other event). */
function assignmentEntry(
  ref: IssueRef,
  event: { event: string; created_at: string; actor?: { login: string } | null; assignee?: { login: string } | null },
  since: string | undefined,
): LabelHistoryEntry | null {
  if (
    (event.event !== 'assigned' && event.event !== 'unassigned') ||
    !event.assignee ||
    (since && event.created_at < since)
  )
    return null;
  return {
    ref,
    label: '',
    action: event.event,
    assignee: event.assignee.login,
    at: event.created_at,
    actor: event.actor?.login ?? 'unknown',
  };
}

type ListedIssue = Awaited<ReturnType<Octokit['rest']['issues']['listForRepo']>>['data'][number];
