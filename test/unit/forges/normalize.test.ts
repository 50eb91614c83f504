import { describe, expect, it } from 'vitest';
import { createGithubWebhooks } from '../../../src/forges/github/events.js';
import { createGitlabWebhooks } from '../../../src/forges/gitlab/events.js';
import type { Delivery } from '../../../src/store/store.js';
import { githubClosedIssue, githubFixture, gitlabIssueHook } from '../../support/payloads.js';

const gitlab = createGitlabWebhooks({ secret: 's' });
const github = createGithubWebhooks({ secret: 's' });

function delivery(forge: 'gitlab' | 'github', headers: Record<string, string>, body: unknown): Delivery {
  const classified = (forge === 'gitlab' ? gitlab : github).classify(headers, body);
  if (!('accept' in classified)) throw new Error(`not accepted: ${JSON.stringify(classified)}`);
  return { ...classified.accept, body: JSON.stringify(body), receivedAt: new Date().toISOString() };
}

describe('GitLab Issue Hook normalisation', () => {
  const headers = { 'x-gitlab-event': 'Issue Hook', 'x-gitlab-event-uuid': 'uuid-1' };

  it('reads the documented example as it is', () => {
    const body = gitlabIssueHook({ action: 'update', previousLabels: ['API'], labels: ['Platform'] });
    const event = gitlab.normalize(delivery('gitlab', headers, body));
    expect(event).toMatchObject({
      deliveryId: 'uuid-1',
      forge: 'gitlab',
      action: 'labeled',
      issue: { forge: 'gitlab', project: '1', iid: 23 },
      labelsBefore: ['API'],
      labelsAfter: ['Platform'],
      state: 'open',
      actor: { login: 'root', isBot: false },
      title: 'New API: create/update/delete file',
    });
  });

  it.each([
    ['open', 'opened', 'open'],
    ['close', 'closed', 'closed'],
    ['reopen', 'reopened', 'open'],
  ] as const)('maps action %s to %s', (action, expected, state) => {
    const event = gitlab.normalize(delivery('gitlab', headers, gitlabIssueHook({ action })));
    expect(event).toMatchObject({ action: expected, state });
  });

  it('takes the event time from changes.updated_at in GitLab\'s "UTC" format', () => {
    const body = gitlabIssueHook({ action: 'update', previousLabels: [], labels: ['stage::triage'] });
    body.changes.updated_at.current = '2024-03-05 10:11:12 UTC';
    const event = gitlab.normalize(delivery('gitlab', headers, body));
    expect(event).toMatchObject({ occurredAt: '2024-03-05T10:11:12.000Z' });
  });

  it('treats a description change as an edit', () => {
    const event = gitlab.normalize(
      delivery('gitlab', headers, gitlabIssueHook({ action: 'update', description: 'new body' })),
    );
    expect(event).toMatchObject({ action: 'edited', bodyChanged: true, body: 'new body' });
  });

  it('orders deliveries by project and iid', () => {
    const a = delivery('gitlab', headers, gitlabIssueHook({ iid: 5 }));
    const b = delivery(
      'gitlab',
      { ...headers, 'x-gitlab-event-uuid': 'uuid-2' },
      gitlabIssueHook({ iid: 5, action: 'close' }),
    );
    expect(a.orderingKey).toBe(b.orderingKey);
    expect(delivery('gitlab', headers, gitlabIssueHook({ iid: 6 })).orderingKey).not.toBe(a.orderingKey);
  });

  it('accepts Work Item Hook bodies of type Issue and ignores tasks', () => {
    const workItem = gitlabIssueHook({ objectKind: 'work_item' });
    const wiHeaders = { ...headers, 'x-gitlab-event': 'Work Item Hook' };
    expect(gitlab.normalize(delivery('gitlab', wiHeaders, workItem))).toMatchObject({ issue: { iid: 23 } });
    workItem.object_attributes.type = 'Task';
    expect(gitlab.classify(wiHeaders, workItem)).toEqual({ ignored: "work item type 'Task' is not handled" });
  });

  it('ignores other events and names the bad field of a malformed body', () => {
    expect(gitlab.classify({ 'x-gitlab-event': 'Push Hook' }, {})).toEqual({
      ignored: "event 'Push Hook' is not handled",
    });
    const body = gitlabIssueHook();
    body.object_attributes.iid = 'twenty-three';
    expect(gitlab.classify(headers, body)).toMatchObject({ invalid: expect.stringContaining('object_attributes.iid') });
  });

  it('keys a delivery on Idempotency-Key first (a resend keeps it, with a new UUID), then the UUID, then a digest of the body', () => {
    const body = gitlabIssueHook();
    const withKey = gitlab.classify({ 'x-gitlab-event': 'Issue Hook', 'idempotency-key': 'k1' }, body);
    expect(withKey).toMatchObject({ accept: { id: 'k1' } });
    const resent = gitlab.classify(
      { 'x-gitlab-event': 'Issue Hook', 'idempotency-key': 'k1', 'x-gitlab-event-uuid': 'uuid-new' },
      body,
    );
    expect(resent).toMatchObject({ accept: { id: 'k1' } });
    expect(gitlab.classify({ 'x-gitlab-event': 'Issue Hook', 'x-gitlab-event-uuid': 'uuid-only' }, body)).toMatchObject(
      { accept: { id: 'uuid-only' } },
    );
    const a = gitlab.classify({ 'x-gitlab-event': 'Issue Hook' }, body);
    const b = gitlab.classify({ 'x-gitlab-event': 'Issue Hook' }, gitlabIssueHook());
    expect(a).toMatchObject({ accept: { id: expect.stringMatching(/^sha256:/) } });
    expect(a).toEqual(b);
  });
});

describe('GitHub normalisation', () => {
  const headersFor = (event: string) => ({ 'x-github-event': event, 'x-github-delivery': `d-${event}` });

  it('derives labels before a labeled event from the label added', () => {
    const body = githubFixture('issues.labeled');
    const event = github.normalize(delivery('github', headersFor('issues'), body));
    const added = body.label.name;
    expect(event).toMatchObject({
      action: 'labeled',
      issue: {
        forge: 'github',
        project: body.repository.full_name,
        iid: body.issue.number,
        nodeId: body.issue.node_id,
      },
      labelsAfter: body.issue.labels.map((l: { name: string }) => l.name),
    });
    expect((event as { labelsBefore: string[] }).labelsBefore).not.toContain(added);
  });

  it('derives labels before an unlabeled event by putting the label back', () => {
    const body = githubFixture('issues.unlabeled');
    const event = github.normalize(delivery('github', headersFor('issues'), body)) as {
      labelsBefore: string[];
      labelsAfter: string[];
    };
    expect(event.labelsBefore).toContain(body.label.name);
    expect(event.labelsAfter).not.toContain(body.label.name);
  });

  it.each(['opened', 'edited', 'reopened', 'deleted', 'transferred'])('accepts issues.%s', (action) => {
    const body = githubFixture(`issues.${action}`);
    const event = github.normalize(delivery('github', headersFor('issues'), body));
    expect(event).toMatchObject({ action, forge: 'github', state: body.issue.state === 'closed' ? 'closed' : 'open' });
  });

  it('uses closed_at as the time of a close', () => {
    const body = githubClosedIssue('2024-01-02T03:04:05Z');
    const event = github.normalize(delivery('github', headersFor('issues'), body));
    expect(event).toMatchObject({ action: 'closed', state: 'closed', occurredAt: '2024-01-02T03:04:05.000Z' });
  });

  it('ignores actions and events it does not act on', () => {
    expect(github.classify(headersFor('issues'), githubFixture('issues.opened'))).toHaveProperty('accept');
    expect(github.classify(headersFor('issue_comment'), githubFixture('issue_comment.deleted'))).toEqual({
      ignored: 'issue_comment.deleted is not handled',
    });
    expect(github.classify(headersFor('push'), githubFixture('push.event'))).toHaveProperty('ignored');
  });

  it('orders an issue and its board card under the same key', () => {
    const item = githubFixture('projects_v2_item.edited');
    item.projects_v2_item.content_type = 'Issue';
    const issue = githubFixture('issues.opened');
    issue.issue.node_id = item.projects_v2_item.content_node_id;
    const a = delivery('github', headersFor('projects_v2_item'), item);
    const b = delivery('github', headersFor('issues'), issue);
    expect(a.orderingKey).toBe(b.orderingKey);
  });

  it('normalises a Status change on a board card, with option names when GitHub sends them', () => {
    const item = githubFixture('projects_v2_item.edited');
    item.projects_v2_item.content_type = 'Issue';
    item.changes.field_value.from = { id: 'a', name: 'Triage', color: 'GRAY' };
    item.changes.field_value.to = { id: 'b', name: 'Discovery', color: 'BLUE' };
    const event = github.normalize(delivery('github', headersFor('projects_v2_item'), item));
    expect(event).toMatchObject({
      action: 'board_status_changed',
      issue: { iid: 0, nodeId: item.projects_v2_item.content_node_id },
      boardStatus: { from: 'Triage', to: 'Discovery', itemNodeId: item.projects_v2_item.node_id },
    });
  });

  it('ignores draft issues on the board', () => {
    expect(github.classify(headersFor('projects_v2_item'), githubFixture('projects_v2_item.edited'))).toEqual({
      ignored: 'board item of type DraftIssue is not handled',
    });
  });

  it('marks GitHub Apps as bots', () => {
    const body = githubFixture('issues.labeled');
    body.sender = { ...body.sender, login: 'boardkeeper[bot]', type: 'Bot' };
    expect(github.normalize(delivery('github', headersFor('issues'), body))).toMatchObject({ actor: { isBot: true } });
  });
});
