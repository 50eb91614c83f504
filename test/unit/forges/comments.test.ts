import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allowList } from '../../../src/forges/allow-list.js';
import type { ForgeWebhooks } from '../../../src/forges/forge.js';
import { createGithubWebhooks } from '../../../src/forges/github/events.js';
import { createGitlabWebhooks } from '../../../src/forges/gitlab/events.js';
import type { Delivery } from '../../../src/store/store.js';
import { githubIssueComment, gitlabIssueNote } from '../../support/comment-payloads.js';
import { githubFixture, gitlabIssueHook } from '../../support/payloads.js';

const gitlab = createGitlabWebhooks({ secret: 's' });
const github = createGithubWebhooks({ secret: 's' });
const gitlabFixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/gitlab/${name}.json`, import.meta.url), 'utf8'));

function delivery(webhooks: ForgeWebhooks, headers: Record<string, string>, body: unknown): Delivery {
  const classified = webhooks.classify(headers, body);
  if (!('accept' in classified)) throw new Error(`not accepted: ${JSON.stringify(classified)}`);
  return { ...classified.accept, body: JSON.stringify(body), receivedAt: new Date().toISOString() };
}

describe('GitLab Note Hook on an issue', () => {
  const headers = { 'x-gitlab-event': 'Note Hook', 'x-gitlab-event-uuid': 'note-1' };

  it("reads GitLab's documented comment on an issue as that issue's activity", () => {
    const stored = delivery(gitlab, headers, gitlabFixture('note-hook-issue'));
    expect(stored).toMatchObject({
      id: 'note-1',
      forge: 'gitlab',
      event: 'Note Hook.create',
      orderingKey: 'gitlab:5#17',
    });
    expect(gitlab.normalize(stored)).toEqual({
      deliveryId: 'note-1',
      forge: 'gitlab',
      action: 'commented',
      issue: { forge: 'gitlab', project: '5', iid: 17 },
      globalId: 92,
      title: 'test',
      body: 'test',
      state: 'closed',
      actor: { login: 'root', isBot: false },
      labelsBefore: ['Afterpod', 'Element'],
      labelsAfter: ['Afterpod', 'Element'],
      bodyChanged: false,
      occurredAt: '2015-05-17T17:06:40.000Z',
      createdAt: '2015-04-12T14:53:17.000Z',
      comment: { body: 'Hello world' },
    });
  });

  it("is ordered with the issue's own hooks, and an edit is timed at the edit", () => {
    const issue = delivery(
      gitlab,
      { 'x-gitlab-event': 'Issue Hook', 'x-gitlab-event-uuid': 'i' },
      gitlabIssueHook({ projectId: 5, iid: 17 }),
    );
    const edited = delivery(
      gitlab,
      headers,
      gitlabIssueNote({ project: 5, iid: 17, action: 'update', at: '2024-03-05 10:11:12 UTC' }),
    );
    expect(edited.orderingKey).toBe(issue.orderingKey);
    expect(edited.event).toBe('Note Hook.update');
    expect(gitlab.normalize(edited)).toMatchObject({ action: 'commented', occurredAt: '2024-03-05T10:11:12.000Z' });
  });

  it('accepts a comment on a confidential issue', () => {
    const classified = gitlab.classify(
      { ...headers, 'x-gitlab-event': 'Confidential Note Hook' },
      gitlabFixture('note-hook-issue'),
    );
    expect(classified).toMatchObject({
      accept: { event: 'Confidential Note Hook.create', orderingKey: 'gitlab:5#17' },
    });
  });

  it('ignores comments on merge requests and system notes, without storing them', () => {
    expect(gitlab.classify(headers, gitlabFixture('note-hook-merge-request'))).toEqual({
      ignored: "a comment on a MergeRequest is not an issue's activity",
    });
    expect(gitlab.classify(headers, gitlabIssueNote({ system: true }))).toEqual({
      ignored: 'a system note is not activity',
    });
  });

  it("marks a project access token's comment as the bot's", () => {
    const stored = delivery(gitlab, headers, gitlabIssueNote({ author: 'project_5_bot_3f2a' }));
    expect(gitlab.normalize(stored)).toMatchObject({ actor: { login: 'project_5_bot_3f2a', isBot: true } });
  });

  it('names the bad field of a malformed comment on an issue, and applies the project allow-list', () => {
    const malformed = gitlabIssueNote();
    malformed.issue.iid = 'seventeen';
    expect(gitlab.classify(headers, malformed)).toMatchObject({ invalid: expect.stringContaining('issue.iid') });
    const listed = createGitlabWebhooks({ secret: 's', projects: allowList('gitlab.projects', [1]) });
    expect(listed.classify(headers, gitlabIssueNote())).toEqual({ ignored: 'project is not in gitlab.projects' });
    expect(listed.classify(headers, gitlabIssueNote({ project: 1 }))).toHaveProperty('accept');
  });
});

describe('GitHub issue_comment', () => {
  const headers = { 'x-github-event': 'issue_comment', 'x-github-delivery': 'c-1' };

  it("reads @octokit/webhooks-examples' created comment as the issue's activity, ordered with its issues events", () => {
    const body = githubFixture('issue_comment.created');
    const stored = delivery(github, headers, body);
    const issue = delivery(
      github,
      { 'x-github-event': 'issues', 'x-github-delivery': 'i-1' },
      githubFixture('issues.opened'),
    );
    expect(stored).toMatchObject({ id: 'c-1', event: 'issue_comment.created', orderingKey: issue.orderingKey });
    expect(github.normalize(stored)).toMatchObject({
      action: 'commented',
      issue: { forge: 'github', project: 'Codertocat/Hello-World', iid: 1, nodeId: body.issue.node_id },
      actor: { login: 'Codertocat', isBot: false },
      labelsBefore: ['bug'],
      labelsAfter: ['bug'],
      state: 'open',
      bodyChanged: false,
      occurredAt: '2019-05-15T15:20:21.000Z',
      comment: { body: "You are totally right! I'll get this fixed right away." },
    });
  });

  it('times an edited comment at the edit', () => {
    const stored = delivery(github, headers, githubFixture('issue_comment.edited'));
    expect(stored.event).toBe('issue_comment.edited');
    expect(github.normalize(stored)).toMatchObject({ action: 'commented', occurredAt: '2019-05-15T15:20:22.000Z' });
  });

  it('ignores a comment on a pull request and a deleted comment, without storing them', () => {
    // GitHub sends a pull request's conversation comments as issue_comment, its `issue` carrying `pull_request`.
    const onPullRequest = githubFixture('issue_comment.created');
    const pr = 'https://api.github.com/repos/Codertocat/Hello-World/pulls/1';
    onPullRequest.issue.pull_request = {
      url: pr,
      html_url: 'https://github.com/Codertocat/Hello-World/pull/1',
      diff_url: `${pr}.diff`,
      patch_url: `${pr}.patch`,
    };
    expect(github.classify(headers, onPullRequest)).toEqual({
      ignored: "a comment on a pull request is not an issue's activity",
    });
    expect(github.classify(headers, githubFixture('issue_comment.deleted'))).toEqual({
      ignored: 'issue_comment.deleted is not handled',
    });
  });

  it("marks a GitHub App's comment as the bot's", () => {
    const stored = delivery(github, headers, githubIssueComment({ author: 'boardkeeper[bot]', bot: true }));
    expect(github.normalize(stored)).toMatchObject({ actor: { login: 'boardkeeper[bot]', isBot: true } });
  });

  it('names the bad field of a malformed comment, and applies the repository allow-list', () => {
    const malformed = githubIssueComment();
    malformed.comment.id = 'one';
    expect(github.classify(headers, malformed)).toMatchObject({ invalid: expect.stringContaining('comment.id') });
    const listed = createGithubWebhooks({
      secret: 's',
      repositories: allowList('github.repositories', ['acme/board']),
    });
    expect(listed.classify(headers, githubIssueComment())).toEqual({
      ignored: 'repository is not in github.repositories',
    });
    expect(listed.classify(headers, githubIssueComment({ project: 'acme/board' }))).toHaveProperty('accept');
  });
});
