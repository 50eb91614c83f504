import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** A GitHub example body from @octokit/webhooks-examples (see test/fixtures/github/README.md). */
export function githubFixture(name: string): Record<string, any> {
  return JSON.parse(readFileSync(join(fixtures, 'github', `${name}.json`), 'utf8'));
}

/**
 * The examples package has no `issues.closed` body; GitHub sends the same shape as `issues.reopened`
 * with the action, state and closed_at of a close.
 */
export function githubClosedIssue(closedAt = '2019-05-15T15:21:30Z'): Record<string, any> {
  const body = githubFixture('issues.reopened');
  body.action = 'closed';
  body.issue.state = 'closed';
  body.issue.closed_at = closedAt;
  body.issue.updated_at = closedAt;
  return body;
}

export interface GitlabVariant {
  action?: 'open' | 'update' | 'close' | 'reopen';
  projectId?: number;
  iid?: number;
  title?: string;
  description?: string;
  username?: string;
  labels?: string[];
  /** Sets `changes.labels.previous` (GitLab sends it only when labels changed). */
  previousLabels?: string[];
  updatedAt?: string;
  objectKind?: 'issue' | 'work_item';
}

const label = (title: string, id: number) => ({
  id,
  title,
  color: '#428BCA',
  project_id: 14,
  created_at: '2013-12-03T17:15:43Z',
  updated_at: '2013-12-03T17:15:43Z',
  template: false,
  description: null,
  type: 'ProjectLabel',
  group_id: null,
});

/**
 * GitLab's documented Issue Hook body (test/fixtures/gitlab/issue-hook.json) with only the fields
 * GitLab varies per action changed.
 */
export function gitlabIssueHook(variant: GitlabVariant = {}): Record<string, any> {
  const hook = JSON.parse(readFileSync(join(fixtures, 'gitlab', 'issue-hook.json'), 'utf8'));
  const attributes = hook.object_attributes;
  const action = variant.action ?? 'open';
  if (variant.objectKind) {
    hook.object_kind = variant.objectKind;
    hook.event_type = variant.objectKind;
  }
  if (variant.projectId !== undefined) hook.project.id = variant.projectId;
  if (variant.username) hook.user.username = variant.username;
  attributes.action = action;
  attributes.state = action === 'close' ? 'closed' : 'opened';
  attributes.iid = variant.iid ?? attributes.iid;
  attributes.title = variant.title ?? attributes.title;
  attributes.description = variant.description ?? attributes.description;
  const updatedAt = variant.updatedAt ?? attributes.updated_at;
  attributes.updated_at = updatedAt;
  const labels = (variant.labels ?? hook.labels.map((l: { title: string }) => l.title)).map(label);
  hook.labels = labels;
  attributes.labels = labels;
  hook.changes = { updated_at: { previous: attributes.created_at, current: updatedAt } };
  if (variant.previousLabels) hook.changes.labels = { previous: variant.previousLabels.map(label), current: labels };
  if (variant.description !== undefined && action === 'update') {
    hook.changes.description = { previous: '', current: variant.description };
  }
  return hook;
}
