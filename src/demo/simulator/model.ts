import type { ForgeName } from '../../domain/types.js';
import {
  githubBoardEvent,
  githubIssueEvent,
  githubNumberFieldEvent,
  gitlabIssueHook,
  type GithubIssueVariant,
} from '../payloads.js';
import type { WebhookSender } from './sender.js';

export interface SimComment {
  id: number;
  body: string;
  author: string;
}

/** One entry of an issue's history, as the forges' event APIs list it. */
export interface SimHistoryEvent {
  type: 'label' | 'state';
  action: 'add' | 'remove' | 'closed' | 'reopened';
  label: string | null;
  at: string;
  actor: string;
}

export interface SimIssue {
  forge: ForgeName;
  /** GitLab numeric project id / GitHub `owner/repo`. */
  project: string;
  iid: number;
  id: number;
  nodeId: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  author: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  comments: SimComment[];
  /** The issue's card on the Projects v2 board (GitHub). */
  item: { id: string; optionId: string | null } | null;
  /** Label and state changes, oldest first (GitLab resource events, GitHub issue events). */
  history: SimHistoryEvent[];
  /** Time spent and estimated, in seconds (0: none): GitLab's time tracking, GitHub's board number fields. */
  time: { spent: number; estimate: number };
}

export interface Actor {
  login: string;
  bot: boolean;
}

export interface BoardOption {
  id: string;
  name: string;
}

export interface SimBoard {
  owner: string;
  number: number;
  projectId: string;
  fieldId: string;
  fieldName: string;
  options: BoardOption[];
  /** The number fields holding hours spent and estimated. */
  effortFields: { spent: string; estimate: string };
}

/** What the service acts as on each forge: a project access token's bot user, a GitHub App. */
export const SERVICE_ACTORS: Record<ForgeName, Actor> = {
  gitlab: { login: 'project_42_bot_3f9d', bot: true },
  github: { login: 'boardkeeper[bot]', bot: true },
};

/** GitLab keeps one label per scope (`a::b::c` has scope `a::b`). */
function scopeOf(label: string): string | null {
  const at = label.lastIndexOf('::');
  return at > 0 ? label.slice(0, at) : null;
}

const iso = (ms: number) => new Date(ms).toISOString();
/** GitLab writes hook times as `2017-09-15 16:52:00 UTC`. */
const gitlabTime = (ms: number) => iso(ms).replace(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})\.\d{3}Z$/, '$1 $2 UTC');

export interface NewIssue {
  forge: ForgeName;
  title: string;
  body: string;
  labels: string[];
  author: string;
  /** Opened by the service's own account (a filed report), so the webhook says so. */
  bot?: boolean;
  at: number;
}

/**
 * The forges' side of the board: issues, labels, comments and the GitHub board, in memory. Every
 * change, whether a person's or the service's (through the API), is followed by the webhook the
 * forge would send for it, so the service sees its own changes come back as a real forge shows them.
 */
export class ForgeModel {
  readonly issues: SimIssue[] = [];
  /** The GitHub repository's labels by lower-cased name (GitHub compares names without case), with their node ids. */
  readonly githubLabels = new Map<string, { id: string; name: string }>();
  private readonly clocks = new Map<SimIssue, number>();
  private nextId = 1;

  constructor(
    readonly projects: Record<ForgeName, string>,
    readonly board: SimBoard,
    private readonly sender: WebhookSender,
    private readonly gitlabProjectId: number,
  ) {}

  find(forge: ForgeName, project: string, iid: number): SimIssue | undefined {
    return this.issues.find((i) => i.forge === forge && i.project === project && i.iid === iid);
  }

  byNode(nodeId: string): SimIssue | undefined {
    return this.issues.find((i) => i.nodeId === nodeId);
  }

  byItem(itemId: string): SimIssue | undefined {
    return this.issues.find((i) => i.item?.id === itemId);
  }

  newCommentId(): number {
    return this.nextId++;
  }

  /** A label exists in the GitHub repository from the moment it is created or first put on an issue (REST creates it). */
  ensureGithubLabel(name: string): { id: string; name: string } {
    const key = name.toLowerCase();
    let label = this.githubLabels.get(key);
    if (!label) {
      label = { id: `LA_sim${(this.nextId++).toString(36)}`, name };
      this.githubLabels.set(key, label);
    }
    return label;
  }

  githubLabelById(id: string): { id: string; name: string } | undefined {
    for (const label of this.githubLabels.values()) if (label.id === id) return label;
    return undefined;
  }

  /** The time of the next change to an issue: a person's at `at`, the service's seconds after the last one. */
  private tick(issue: SimIssue, at?: number): number {
    const last = this.clocks.get(issue) ?? 0;
    const next = Math.max(at ?? last + 7_000, last + 1_000);
    this.clocks.set(issue, next);
    issue.updatedAt = iso(next);
    return next;
  }

  open(spec: NewIssue): SimIssue {
    const n = this.nextId++;
    const iid = this.issues.filter((i) => i.forge === spec.forge).length + 1;
    const issue: SimIssue = {
      forge: spec.forge,
      project: this.projects[spec.forge],
      iid,
      id: 9_000_000 + n,
      nodeId: `I_kwDOSim${n.toString(36).padStart(6, '0')}`,
      title: spec.title,
      body: spec.body,
      state: 'open',
      labels: [...spec.labels],
      author: spec.author,
      createdAt: iso(spec.at),
      updatedAt: iso(spec.at),
      closedAt: null,
      comments: [],
      item: null,
      time: { spent: 0, estimate: 0 },
      history: spec.labels.map((label) => ({
        type: 'label',
        action: 'add',
        label,
        at: iso(spec.at),
        actor: spec.author,
      })),
    };
    this.issues.push(issue);
    if (issue.forge === 'github') for (const label of issue.labels) this.ensureGithubLabel(label);
    this.tick(issue, spec.at);
    const person = { login: spec.author, bot: spec.bot ?? false };
    if (issue.forge === 'gitlab') this.gitlabHook(issue, 'open', person, { previousLabels: [] });
    else {
      // An issue form's labels arrive as `labeled` deliveries right after `opened`.
      this.githubEvent(issue, 'opened', person);
      for (const label of issue.labels) this.githubEvent(issue, 'labeled', person, { label });
    }
    return issue;
  }

  /** Add and remove labels in one change (GitLab: one hook; GitHub: one delivery per label). */
  changeLabels(issue: SimIssue, add: string[], remove: string[], actor: Actor, at?: number): void {
    const before = [...issue.labels];
    if (issue.forge === 'gitlab') {
      let labels = issue.labels.filter((l) => !remove.includes(l));
      for (const label of add) {
        const scope = scopeOf(label);
        if (scope) labels = labels.filter((l) => scopeOf(l) !== scope);
        if (!labels.includes(label)) labels.push(label);
      }
      if (labels.length === before.length && labels.every((l) => before.includes(l))) return;
      issue.labels = labels;
      const time = iso(this.tick(issue, at));
      for (const label of before)
        if (!labels.includes(label))
          issue.history.push({ type: 'label', action: 'remove', label, at: time, actor: actor.login });
      for (const label of labels)
        if (!before.includes(label))
          issue.history.push({ type: 'label', action: 'add', label, at: time, actor: actor.login });
      this.gitlabHook(issue, 'update', actor, { previousLabels: before });
      return;
    }
    for (const label of remove) {
      if (!issue.labels.includes(label)) continue;
      issue.labels = issue.labels.filter((l) => l !== label);
      issue.history.push({ type: 'label', action: 'remove', label, at: iso(this.tick(issue, at)), actor: actor.login });
      this.githubEvent(issue, 'unlabeled', actor, { label });
    }
    for (const label of add) {
      this.ensureGithubLabel(label);
      if (issue.labels.includes(label)) continue;
      issue.labels = [...issue.labels, label];
      issue.history.push({ type: 'label', action: 'add', label, at: iso(this.tick(issue, at)), actor: actor.login });
      this.githubEvent(issue, 'labeled', actor, { label });
    }
  }

  setState(issue: SimIssue, state: 'open' | 'closed', actor: Actor, at?: number): void {
    if (issue.state === state) return;
    const time = this.tick(issue, at);
    issue.state = state;
    issue.closedAt = state === 'closed' ? iso(time) : null;
    issue.history.push({
      type: 'state',
      action: state === 'closed' ? 'closed' : 'reopened',
      label: null,
      at: iso(time),
      actor: actor.login,
    });
    if (issue.forge === 'gitlab') this.gitlabHook(issue, state === 'closed' ? 'close' : 'reopen', actor);
    else this.githubEvent(issue, state === 'closed' ? 'closed' : 'reopened', actor);
  }

  editBody(issue: SimIssue, body: string, actor: Actor, at?: number): void {
    if (issue.body === body) return;
    const previous = issue.body;
    issue.body = body;
    this.tick(issue, at);
    if (issue.forge === 'gitlab') this.gitlabHook(issue, 'update', actor, { previousDescription: previous });
    else this.githubEvent(issue, 'edited', actor, { previousBody: previous });
  }

  /**
   * GitLab: `/spend` (and `/estimate`) in a comment, one Issue Hook with the new totals. GitHub: the
   * card's "Hours spent" (and "Hours estimated") number fields edited, one `projects_v2_item` each.
   */
  logTime(issue: SimIssue, hours: number, estimateHours: number, actor: Actor, at?: number): void {
    // GitHub's hours go on the card: before the service has put the issue on the board there is none to edit.
    if (issue.forge === 'github' && !issue.item) return;
    const logged = Math.round(hours * 3600);
    const before = issue.time;
    issue.time = { spent: before.spent + logged, estimate: Math.round(estimateHours * 3600) };
    const time = this.tick(issue, at);
    if (issue.forge === 'gitlab') this.gitlabHook(issue, 'update', actor, { logged });
    else this.editHours(issue, issue.item!.id, before, actor, time);
  }

  /** One `projects_v2_item` edit per hours field that changed. */
  private editHours(issue: SimIssue, itemId: string, before: SimIssue['time'], actor: Actor, time: number): void {
    const fields = this.board.effortFields;
    const edits = [
      { fieldName: fields.spent, from: before.spent, to: issue.time.spent },
      { fieldName: fields.estimate, from: before.estimate, to: issue.time.estimate },
    ].filter((edit) => edit.from !== edit.to);
    const hoursOf = (seconds: number) => (seconds === 0 ? null : seconds / 3600);
    for (const edit of edits) {
      const payload = githubNumberFieldEvent({
        itemNodeId: itemId,
        projectNodeId: this.board.projectId,
        fieldNodeId: `PVTF_${edit.fieldName.replace(/\W/g, '')}`,
        contentNodeId: issue.nodeId,
        fieldName: edit.fieldName,
        from: hoursOf(edit.from),
        to: hoursOf(edit.to),
        updatedAt: iso(time),
        sender: actor,
      });
      this.sender.send('github', 'projects_v2_item', issue.nodeId, payload, actor.bot ? 'service' : 'person');
    }
  }

  /** Put the issue's card on the board (GitHub sends `projects_v2_item.created`, which the service ignores). */
  addItem(issue: SimIssue): string {
    issue.item ??= { id: `PVTI_sim${issue.id}`, optionId: null };
    return issue.item.id;
  }

  setStatus(issue: SimIssue, optionId: string, actor: Actor, at?: number): void {
    const item = issue.item ?? { id: this.addItem(issue), optionId: null };
    issue.item = item;
    if (item.optionId === optionId) return;
    const option = (id: string | null) => this.board.options.find((o) => o.id === id) ?? null;
    const from = option(item.optionId);
    item.optionId = optionId;
    const time = this.tick(issue, at);
    const payload = githubBoardEvent({
      itemNodeId: item.id,
      projectNodeId: this.board.projectId,
      fieldNodeId: this.board.fieldId,
      contentNodeId: issue.nodeId,
      from,
      to: option(optionId),
      updatedAt: iso(time),
      sender: actor,
    });
    this.sender.send('github', 'projects_v2_item', issue.nodeId, payload, actor.bot ? 'service' : 'person');
  }

  private gitlabHook(
    issue: SimIssue,
    action: 'open' | 'update' | 'close' | 'reopen',
    actor: Actor,
    changes: { previousLabels?: string[]; previousDescription?: string; logged?: number } = {},
  ): void {
    const hook = gitlabIssueHook({
      action,
      projectId: this.gitlabProjectId,
      iid: issue.iid,
      id: issue.id,
      title: issue.title,
      description: issue.body,
      username: actor.login,
      labels: issue.labels,
      previousLabels: changes.previousLabels,
      previousDescription: changes.previousDescription,
      createdAt: gitlabTime(Date.parse(issue.createdAt)),
      updatedAt: gitlabTime(Date.parse(issue.updatedAt)),
      // The simulated forge assigns nobody: its webhooks must not carry the documented body's assignee.
      assignees: [],
      // Every hook carries the issue's time tracking totals.
      time: { ...issue.time, logged: changes.logged ?? 0 },
    });
    // A description-only update has no `changes.description` unless the description changed.
    if (action === 'update' && changes.previousDescription === undefined) delete hook.changes.description;
    hook.object_attributes.state = issue.state === 'closed' ? 'closed' : 'opened';
    hook.object_attributes.url = `https://gitlab.example.com/acme/services/-/issues/${issue.iid}`;
    this.sender.send('gitlab', 'Issue Hook', `${issue.project}#${issue.iid}`, hook, actor.bot ? 'service' : 'person');
  }

  private githubEvent(
    issue: SimIssue,
    action: GithubIssueVariant['action'],
    actor: Actor,
    extra: { label?: string; previousBody?: string } = {},
  ): void {
    const payload = githubIssueEvent({
      action,
      repo: issue.project,
      number: issue.iid,
      id: issue.id,
      nodeId: issue.nodeId,
      title: issue.title,
      body: issue.body,
      labels: issue.labels,
      state: issue.state,
      author: issue.author,
      createdAt: issue.createdAt,
      updatedAt: issue.updatedAt,
      closedAt: issue.closedAt,
      sender: actor,
      assignees: [],
      ...extra,
    });
    this.sender.send('github', 'issues', issue.nodeId, payload, actor.bot ? 'service' : 'person');
  }
}
