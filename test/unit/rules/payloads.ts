/**
 * Build rule inputs from real webhook payloads: GitHub's from @octokit/webhooks-examples, GitLab's
 * from the example in GitLab's "Webhook events" docs. Only the fields the rules read are mapped; the
 * payload shape stays the forge's own.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { IssueAction, IssueEvent } from '../../../src/domain/types.js';

const require = createRequire(import.meta.url);

interface GithubExample {
  action: string;
  issue: { number: number; title: string; body: string | null; state: string; user: { login: string }; labels?: { name: string }[]; created_at: string; updated_at: string };
  label?: { name: string };
  sender: { login: string; type: string };
  repository: { full_name: string };
}

interface GitlabLabel {
  title: string;
}

interface GitlabIssueHook {
  user: { username: string };
  project: { id: number };
  object_attributes: { iid: number; title: string; description: string; state: string; action: string; created_at: string; updated_at: string };
  labels: GitlabLabel[];
  changes: { labels?: { previous: GitlabLabel[]; current: GitlabLabel[] } };
}

const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as { name: string; examples: GithubExample[] }[];

export function githubExample(action: string): GithubExample {
  const found = examples.find((e) => e.name === 'issues')?.examples.find((e) => e.action === action);
  if (!found) throw new Error(`no issues.${action} example`);
  return structuredClone(found);
}

export function gitlabIssueHook(): GitlabIssueHook {
  return JSON.parse(readFileSync(new URL('../../fixtures/gitlab/issue-hook.docs.json', import.meta.url), 'utf8')) as GitlabIssueHook;
}

export interface EventOverrides {
  body?: string;
  labelsBefore?: string[];
  labelsAfter?: string[];
  actor?: string;
  isBot?: boolean;
  occurredAt?: string;
}

/** A GitHub `issues` delivery as the rules see it; for `labeled`/`unlabeled` the before set is derived from the label. */
export function fromGithub(payload: GithubExample, o: EventOverrides = {}): IssueEvent {
  const after = o.labelsAfter ?? (payload.issue.labels ?? []).map((l) => l.name);
  const changed = payload.label?.name;
  const before =
    o.labelsBefore ??
    (payload.action === 'labeled' && changed ? after.filter((l) => l !== changed) : payload.action === 'unlabeled' && changed ? [...after, changed] : after);
  return {
    deliveryId: `gh-${payload.action}-${payload.issue.number}`,
    forge: 'github',
    action: payload.action as IssueAction,
    issue: { forge: 'github', project: payload.repository.full_name, iid: payload.issue.number },
    title: payload.issue.title,
    body: o.body ?? payload.issue.body ?? '',
    state: payload.issue.state === 'closed' ? 'closed' : 'open',
    author: payload.issue.user.login,
    actor: { login: o.actor ?? payload.sender.login, isBot: o.isBot ?? payload.sender.type === 'Bot' },
    labelsBefore: before,
    labelsAfter: after,
    bodyChanged: payload.action === 'edited' || payload.action === 'opened',
    occurredAt: o.occurredAt ?? payload.issue.updated_at,
    createdAt: payload.issue.created_at,
  };
}

const GITLAB_ACTIONS: Record<string, IssueAction> = { open: 'opened', close: 'closed', reopen: 'reopened', update: 'updated' };

/** A GitLab Issue Hook as the rules see it: label changes carry `changes.labels.previous/current`. */
export function fromGitlab(payload: GitlabIssueHook, o: EventOverrides = {}): IssueEvent {
  const attrs = payload.object_attributes;
  const after = o.labelsAfter ?? (payload.changes.labels?.current ?? payload.labels).map((l) => l.title);
  const before = o.labelsBefore ?? (payload.changes.labels ? payload.changes.labels.previous.map((l) => l.title) : after);
  return {
    deliveryId: `gl-${attrs.action}-${attrs.iid}`,
    forge: 'gitlab',
    action: GITLAB_ACTIONS[attrs.action] ?? 'updated',
    issue: { forge: 'gitlab', project: String(payload.project.id), iid: attrs.iid },
    title: attrs.title,
    body: o.body ?? attrs.description ?? '',
    state: attrs.state === 'closed' ? 'closed' : 'open',
    author: payload.user.username,
    actor: { login: o.actor ?? payload.user.username, isBot: o.isBot ?? false },
    labelsBefore: before,
    labelsAfter: after,
    bodyChanged: attrs.action === 'open',
    occurredAt: o.occurredAt ?? new Date(attrs.updated_at).toISOString(),
    createdAt: new Date(attrs.created_at).toISOString(),
  };
}

/** The GitLab hook with a different action and state, as GitLab sends it for close/reopen/update. */
export function gitlabWith(action: 'open' | 'close' | 'reopen' | 'update', labels?: { previous: string[]; current: string[] }): GitlabIssueHook {
  const hook = gitlabIssueHook();
  hook.object_attributes.action = action;
  hook.object_attributes.state = action === 'close' ? 'closed' : 'opened';
  if (labels) hook.changes.labels = { previous: labels.previous.map((title) => ({ title })), current: labels.current.map((title) => ({ title })) };
  else delete hook.changes.labels;
  hook.labels = (labels?.current ?? []).map((title) => ({ title }));
  return hook;
}

export function body(name: string): string {
  return readFileSync(new URL(`../../fixtures/bodies/${name}.md`, import.meta.url), 'utf8');
}
