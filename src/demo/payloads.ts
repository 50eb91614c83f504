/**
 * Webhook bodies with the forges' real shapes: each one is a documented example body (GitLab's
 * "Webhook events" Issue Hook, GitHub's @octokit/webhooks-examples; see test/fixtures/*\/README.md)
 * with only the fields that vary per issue and action changed. The demo's forge simulator sends
 * these, and the tests build their inputs with the same functions.
 */
import { readFileSync } from 'node:fs';

/** The repository's fixture folder, from src/demo as from dist/demo. */
const FIXTURES = new URL('../../test/fixtures/', import.meta.url);

function readFixture(path: string): Record<string, any> {
  return JSON.parse(readFileSync(new URL(path, FIXTURES), 'utf8'));
}

/** A GitHub example body from @octokit/webhooks-examples (see test/fixtures/github/README.md). */
export function githubFixture(name: string): Record<string, any> {
  return readFixture(`github/${name}.json`);
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
  /** The issue's global id. */
  id?: number;
  title?: string;
  description?: string;
  /** Who acted (GitLab project and group access tokens act as `project_<id>_bot_…` users). */
  username?: string;
  labels?: string[];
  /** Sets `changes.labels.previous` (GitLab sends it only when labels changed). */
  previousLabels?: string[];
  /** Sets `changes.description` on an update, as GitLab does when the description was edited. */
  previousDescription?: string;
  updatedAt?: string;
  createdAt?: string;
  objectKind?: 'issue' | 'work_item';
  /** The issue's assignees (logins); the documented body's own when absent. */
  assignees?: string[];
  /**
   * Time tracking after this event, in seconds: `total_time_spent`, `time_estimate`, and what this
   * event logged (`time_change`). A change of the total is also in `changes.total_time_spent`, as
   * GitLab sends it.
   */
  time?: { spent: number; estimate?: number; logged?: number };
}

const gitlabLabel = (title: string, id: number) => ({
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

/** GitLab's rendering of a duration (`3h 30m`). */
function humanTime(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return [hours ? `${hours}h` : '', minutes ? `${minutes}m` : ''].filter(Boolean).join(' ') || `${seconds}s`;
}

/**
 * GitLab's documented Issue Hook body (test/fixtures/gitlab/issue-hook.json) with only the fields
 * GitLab varies per action changed.
 */
export function gitlabIssueHook(variant: GitlabVariant = {}): Record<string, any> {
  const hook = readFixture('gitlab/issue-hook.json');
  const attributes = hook.object_attributes;
  const action = variant.action ?? 'open';
  if (variant.objectKind) {
    hook.object_kind = variant.objectKind;
    hook.event_type = variant.objectKind;
  }
  if (variant.projectId !== undefined) {
    hook.project.id = variant.projectId;
    attributes.project_id = variant.projectId;
  }
  if (variant.username) hook.user.username = variant.username;
  attributes.action = action;
  attributes.state = action === 'close' ? 'closed' : 'opened';
  attributes.iid = variant.iid ?? attributes.iid;
  attributes.id = variant.id ?? attributes.id;
  attributes.title = variant.title ?? attributes.title;
  attributes.description = variant.description ?? attributes.description;
  attributes.created_at = variant.createdAt ?? attributes.created_at;
  const updatedAt = variant.updatedAt ?? attributes.updated_at;
  attributes.updated_at = updatedAt;
  if (variant.assignees) {
    const sample = hook.assignees[0];
    hook.assignees = variant.assignees.map((username, index) => ({
      ...sample,
      name: username,
      username,
      id: index + 1,
    }));
    attributes.assignee_ids = hook.assignees.map((a: { id: number }) => a.id);
    attributes.assignee_id = attributes.assignee_ids[0] ?? null;
  }
  const labels = (variant.labels ?? hook.labels.map((l: { title: string }) => l.title)).map(gitlabLabel);
  hook.labels = labels;
  attributes.labels = labels;
  hook.changes = { updated_at: { previous: attributes.created_at, current: updatedAt } };
  if (variant.previousLabels)
    hook.changes.labels = { previous: variant.previousLabels.map(gitlabLabel), current: labels };
  if (variant.time) {
    const { spent, estimate = attributes.time_estimate, logged = 0 } = variant.time;
    Object.assign(attributes, {
      total_time_spent: spent,
      time_estimate: estimate,
      time_change: logged,
      human_total_time_spent: spent ? humanTime(spent) : null,
      human_time_estimate: estimate ? humanTime(estimate) : null,
      human_time_change: logged ? humanTime(logged) : null,
    });
    if (logged !== 0) hook.changes.total_time_spent = { previous: spent - logged, current: spent };
  }
  const previousDescription = variant.previousDescription ?? (variant.description !== undefined ? '' : undefined);
  if (previousDescription !== undefined && action === 'update') {
    hook.changes.description = { previous: previousDescription, current: variant.description };
  }
  return hook;
}

export interface GithubIssueVariant {
  action: 'opened' | 'edited' | 'labeled' | 'unlabeled' | 'closed' | 'reopened';
  repo: string;
  number: number;
  id: number;
  nodeId: string;
  title: string;
  body: string;
  labels: string[];
  state: 'open' | 'closed';
  author: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  sender: { login: string; bot: boolean };
  /** The label added or removed (`labeled` / `unlabeled`). */
  label?: string;
  /** The body before an edit (`edited` carries `changes.body.from`). */
  previousBody?: string;
  /** The issue's assignees (logins); the example's own when absent. */
  assignees?: string[];
}

function githubLogin(template: Record<string, any>, login: string, bot: boolean): Record<string, any> {
  return { ...template, login, type: bot ? 'Bot' : 'User' };
}

/** An `issues` delivery: the octokit example of that action with this issue's fields. */
export function githubIssueEvent(v: GithubIssueVariant): Record<string, any> {
  const payload = v.action === 'closed' ? githubClosedIssue() : githubFixture(`issues.${v.action}`);
  const [owner = '', name = ''] = v.repo.split('/');
  const sampleLabel = githubFixture('issues.labeled').label;
  const label = (labelName: string) => ({ ...sampleLabel, name: labelName, default: false, description: null });
  Object.assign(payload.repository, { name, full_name: v.repo });
  payload.repository.owner = { ...payload.repository.owner, login: owner };
  Object.assign(payload.issue, {
    id: v.id,
    node_id: v.nodeId,
    number: v.number,
    title: v.title,
    body: v.body,
    labels: v.labels.map(label),
    state: v.state,
    created_at: v.createdAt,
    updated_at: v.updatedAt,
    closed_at: v.closedAt,
    html_url: `https://github.com/${v.repo}/issues/${v.number}`,
    user: githubLogin(payload.issue.user, v.author, false),
  });
  if (v.assignees) {
    payload.issue.assignees = v.assignees.map((login) => githubLogin(payload.issue.user, login, false));
    payload.issue.assignee = payload.issue.assignees[0] ?? null;
  }
  payload.sender = githubLogin(payload.sender, v.sender.login, v.sender.bot);
  if (v.label !== undefined) payload.label = label(v.label);
  else delete payload.label;
  if (v.action === 'edited') payload.changes = v.previousBody !== undefined ? { body: { from: v.previousBody } } : {};
  return payload;
}

export interface GithubBoardVariant {
  itemNodeId: string;
  projectNodeId: string;
  fieldNodeId: string;
  contentNodeId: string;
  from: { id: string; name: string } | null;
  to: { id: string; name: string } | null;
  updatedAt: string;
  sender: { login: string; bot: boolean };
}

/**
 * A `projects_v2_item.edited` delivery for an edit of a number field of an issue's card: the
 * example body with the change as GitHub's webhook schema (`@octokit/openapi-webhooks-types`) gives
 * it for number fields (`field_type: "number"`, the field's name, numbers as `from` / `to`).
 */
export function githubNumberFieldEvent(
  v: Omit<GithubBoardVariant, 'from' | 'to'> & { fieldName: string; from: number | null; to: number | null },
): Record<string, any> {
  const payload = githubBoardEvent({ ...v, from: null, to: null });
  payload.changes = {
    field_value: {
      field_node_id: v.fieldNodeId,
      field_type: 'number',
      field_name: v.fieldName,
      from: v.from,
      to: v.to,
    },
  };
  return payload;
}

/**
 * A `projects_v2_item.edited` delivery for a Status change of an issue's card. The example body
 * predates single-select `from`/`to`; GitHub's webhook docs give them as `{ id, name, color }`.
 */
export function githubBoardEvent(v: GithubBoardVariant): Record<string, any> {
  const payload = githubFixture('projects_v2_item.edited');
  Object.assign(payload.projects_v2_item, {
    node_id: v.itemNodeId,
    project_node_id: v.projectNodeId,
    content_node_id: v.contentNodeId,
    content_type: 'Issue',
    updated_at: v.updatedAt,
  });
  const option = (o: { id: string; name: string } | null) => (o ? { ...o, color: 'GRAY', description: '' } : null);
  payload.changes = {
    field_value: { field_node_id: v.fieldNodeId, field_type: 'single_select', from: option(v.from), to: option(v.to) },
  };
  payload.sender = githubLogin(payload.sender, v.sender.login, v.sender.bot);
  return payload;
}
