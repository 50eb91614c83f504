import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { noAlerts } from '../../src/alerts/alert.js';
import { githubIssueEvent } from '../../src/demo/payloads.js';
import type { IssueReport } from '../../src/metrics/contract.js';
import { SLA_MARKER } from '../../src/policies/defaults.js';
import { runSweep } from '../../src/sweep/run.js';
import { githubIssueComment, gitlabIssueNote } from '../support/comment-payloads.js';
import { isolateNetwork, resetNock } from '../support/forge-nock.js';
import { gitlabIssueHook } from '../support/payloads.js';
import { eventually, startTestService, type TestService } from '../support/service.js';
import { githubHeaders, gitlabHeaders } from '../support/signing.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T09:00:00Z');
const daysAgo = (days: number) => new Date(NOW - days * DAY).toISOString();
const LABELS = ['type::sow-request', 'stage::estimate'];
/** The GitHub issue of @octokit/webhooks-examples' `issue_comment` bodies. */
const GITHUB_ISSUE = { repo: 'Codertocat/Hello-World', number: 1, nodeId: 'MDU6SXNzdWU0NDQ1MDAwNDE=' };

let t: TestService | null = null;
beforeAll(isolateNetwork);
afterEach(async () => {
  await t?.cleanup();
  t = null;
  resetNock();
});

async function deliver(url: string, headers: Record<string, string>, body: string) {
  const response = await t!.service.app.inject({ method: 'POST', url, headers, payload: body });
  expect(response.statusCode).toBe(202);
}

async function processed(count: number) {
  await eventually(async () => (await t!.service.store.inboxCounts()).done === count, `${count} deliveries processed`);
}

/** An engagement in `estimate` whose labels a person last changed 40 days ago (stale after 30), in dry-run. */
async function engagementIdleForForty(forge: 'gitlab' | 'github') {
  t = await startTestService({ now: () => new Date(NOW) });
  t.service.worker.start();
  if (forge === 'gitlab') {
    const opened = gitlabIssueHook({
      action: 'open',
      projectId: 5,
      iid: 17,
      labels: LABELS,
      previousLabels: [],
      createdAt: daysAgo(45),
      updatedAt: daysAgo(40),
    });
    await deliver('/webhooks/gitlab', gitlabHeaders('opened'), JSON.stringify(opened));
  } else {
    const opened = JSON.stringify(
      githubIssueEvent({
        action: 'opened',
        ...GITHUB_ISSUE,
        id: 444500041,
        title: 'SOW',
        body: '',
        labels: LABELS,
        state: 'open',
        author: 'ae-jane',
        createdAt: daysAgo(40),
        updatedAt: daysAgo(40),
        closedAt: null,
        sender: { login: 'ae-jane', bot: false },
      }),
    );
    await deliver('/webhooks/github', await githubHeaders('issues', opened, 'opened'), opened);
  }
  await processed(1);
}

/** One sweep on the service's store at NOW, the forge in dry-run: which policies it would act on. */
async function sweptPolicies(): Promise<string[]> {
  const report = await runSweep({
    config: t!.config,
    store: t!.service.store,
    clients: { gitlab: null, github: null },
    alerter: noAlerts,
    holder: 'e2e',
    now: () => new Date(NOW),
  });
  return [...new Set(report!.rows.map((row) => `${row.policy}: ${row.action}`))];
}

async function issueAnswer(path: string): Promise<IssueReport> {
  return (await t!.service.app.inject({ url: `/metrics/issues/${path}` })).json<IssueReport>();
}

describe('a comment is activity, through the running service', () => {
  it('without a comment, the sweep labels the engagement stale (the measured case, before)', async () => {
    await engagementIdleForForty('gitlab');
    expect(await sweptPolicies()).toEqual(['stale: labels +stale', 'stale: alert stale']);
  });

  it("a person's GitLab comment two days ago keeps it from stale, and is its last activity on /metrics", async () => {
    await engagementIdleForForty('gitlab');
    const note = gitlabIssueNote({
      project: 5,
      iid: 17,
      author: 'ie-alex',
      body: 'Estimate call booked for Thursday.',
      at: daysAgo(2),
    });
    await deliver('/webhooks/gitlab', gitlabHeaders('note-1', 'Note Hook'), JSON.stringify(note));
    await processed(2);
    expect(await sweptPolicies()).toEqual([]);
    const answer = await issueAnswer('gitlab/5/17');
    expect(answer).toMatchObject({ lastActivity: daysAgo(2), stale: false, stage: 'estimate' });
    // What the opening recorded (the documented hook names an assignee), and nothing for the comment.
    expect(answer.transitions.map((x) => x.to)).toEqual(['+assignee:user1', 'estimate']);
  });

  it("the bot's comment two days ago is not activity: the engagement still goes stale", async () => {
    await engagementIdleForForty('gitlab');
    const note = gitlabIssueNote({
      project: 5,
      iid: 17,
      author: 'project_5_bot_3f2a',
      body: `${SLA_MARKER}\nImplementation at risk`,
      at: daysAgo(2),
    });
    await deliver('/webhooks/gitlab', gitlabHeaders('note-bot', 'Note Hook'), JSON.stringify(note));
    await processed(2);
    expect(await sweptPolicies()).toEqual(['stale: labels +stale', 'stale: alert stale']);
    expect(await issueAnswer('gitlab/5/17')).toMatchObject({ lastActivity: daysAgo(40), stale: true });
  });

  it("a person's GitHub comment two days ago keeps it from stale", async () => {
    await engagementIdleForForty('github');
    const comment = JSON.stringify(githubIssueComment({ author: 'ie-alex', at: daysAgo(2) }));
    await deliver('/webhooks/github', await githubHeaders('issue_comment', comment, 'comment-1'), comment);
    await processed(2);
    expect(await sweptPolicies()).toEqual([]);
    expect(await issueAnswer(`github/${encodeURIComponent(GITHUB_ISSUE.repo)}/1`)).toMatchObject({
      lastActivity: daysAgo(2),
      stale: false,
    });
  });

  it('a comment on an issue boardkeeper does not track is stored, deduplicated, and records nothing', async () => {
    t = await startTestService({ now: () => new Date(NOW) });
    t.service.worker.start();
    const note = JSON.stringify(gitlabIssueNote({ project: 5, iid: 99, author: 'ie-alex', at: daysAgo(2) }));
    await deliver('/webhooks/gitlab', gitlabHeaders('note-untracked', 'Note Hook'), note);
    const again = await t.service.app.inject({
      method: 'POST',
      url: '/webhooks/gitlab',
      headers: gitlabHeaders('note-untracked', 'Note Hook'),
      payload: note,
    });
    expect(again.json()).toEqual({ duplicate: true, id: 'note-untracked' });
    await processed(1);
    expect(await t.service.store.getIssueState({ forge: 'gitlab', project: '5', iid: 99 })).toBeNull();
    expect(await t.service.store.transitions({ forge: 'gitlab' })).toEqual([]);
  });
});
