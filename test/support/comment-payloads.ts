/**
 * Comment webhooks with the forges' real shapes: GitLab's documented Note Hook for a comment on an
 * issue (test/fixtures/gitlab/note-hook-issue.json) and GitHub's `issue_comment` examples from
 * @octokit/webhooks-examples, with only the fields that vary per issue, author and time changed.
 */
import { readFileSync } from 'node:fs';
import { githubFixture } from './payloads.js';

export interface CommentVariant {
  /** GitLab: the project id; GitHub: `owner/repo`. */
  project?: number | string;
  iid?: number;
  body?: string;
  /** Who wrote it (GitLab `user.username`; GitHub `sender` and `comment.user`). */
  author?: string;
  /** The comment's time: `created_at` and `updated_at` (GitLab's "UTC" format is GitLab's own). */
  at?: string;
}

/** GitLab's "Comment on an issue" Note Hook body. */
export function gitlabIssueNote(
  v: CommentVariant & { action?: 'create' | 'update'; system?: boolean } = {},
): Record<string, any> {
  const hook = JSON.parse(readFileSync(new URL('../fixtures/gitlab/note-hook-issue.json', import.meta.url), 'utf8'));
  const note = hook.object_attributes;
  if (v.project !== undefined) {
    hook.project.id = Number(v.project);
    hook.project_id = Number(v.project);
    note.project_id = Number(v.project);
    hook.issue.project_id = Number(v.project);
  }
  if (v.iid !== undefined) hook.issue.iid = v.iid;
  if (v.body !== undefined) note.note = v.body;
  if (v.author !== undefined) hook.user.username = v.author;
  if (v.action === 'update') note.action = 'update';
  if (v.system !== undefined) note.system = v.system;
  if (v.at !== undefined) {
    if (v.action !== 'update') note.created_at = v.at;
    note.updated_at = v.at;
  }
  return hook;
}

/** GitHub's `issue_comment` example of that action. */
export function githubIssueComment(
  v: CommentVariant & { action?: 'created' | 'edited'; bot?: boolean } = {},
): Record<string, any> {
  const payload = githubFixture(`issue_comment.${v.action ?? 'created'}`);
  if (typeof v.project === 'string') {
    payload.repository.full_name = v.project;
    payload.repository.name = v.project.split('/')[1];
  }
  if (v.iid !== undefined) payload.issue.number = v.iid;
  if (v.body !== undefined) payload.comment.body = v.body;
  if (v.author !== undefined) {
    const user = { ...payload.sender, login: v.author, type: v.bot ? 'Bot' : 'User' };
    payload.sender = user;
    payload.comment.user = user;
  }
  if (v.at !== undefined) {
    if (v.action !== 'edited') payload.comment.created_at = v.at;
    payload.comment.updated_at = v.at;
  }
  return payload;
}
