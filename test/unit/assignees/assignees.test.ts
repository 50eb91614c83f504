import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import type { IssueEvent, IssueState } from '../../../src/domain/types.js';
import { recordAssignees } from '../../../src/engine/assignees.js';
import { readPersonActivity } from '../../../src/domain/issue-memory.js';
import { backfillVocabulary, transitionsFromHistory } from '../../../src/engine/backfill-transitions.js';
import type { LabelHistoryEntry } from '../../../src/forges/forge.js';
import { createGithubWebhooks } from '../../../src/forges/github/events.js';
import { createGitlabWebhooks } from '../../../src/forges/gitlab/events.js';
import { issueFacts } from '../../../src/metrics/durations/issue-facts.js';
import { issueMetrics } from '../../../src/metrics/durations/issue-metrics.js';
import { metricsSettings } from '../../../src/metrics/durations/settings.js';
import { decide } from '../../../src/rules/index.js';
import type { Delivery } from '../../../src/store/store.js';
import { githubFixture, gitlabIssueHook } from '../../support/payloads.js';

const gitlab = createGitlabWebhooks({ secret: 's' });
const github = createGithubWebhooks({ secret: 's' });
const config = configSchema.parse({});

function normalized(forge: 'gitlab' | 'github', headers: Record<string, string>, body: unknown): IssueEvent {
  const classified = (forge === 'gitlab' ? gitlab : github).classify(headers, body);
  if (!('accept' in classified)) throw new Error(`not accepted: ${JSON.stringify(classified)}`);
  const delivery: Delivery = { ...classified.accept, body: JSON.stringify(body), receivedAt: new Date().toISOString() };
  const event = (forge === 'gitlab' ? gitlab : github).normalize(delivery);
  if ('ignored' in event) throw new Error(event.ignored);
  return event;
}

const gitlabEvent = (body: unknown) =>
  normalized('gitlab', { 'x-gitlab-event': 'Issue Hook', 'x-gitlab-event-uuid': 'u1' }, body);
const githubEvent = (name: string) =>
  normalized('github', { 'x-github-event': 'issues', 'x-github-delivery': 'd1' }, githubFixture(name));

describe('assignees from webhooks', () => {
  it("reads GitLab's documented Issue Hook `assignees`, and `changes.assignees.current` when they changed", () => {
    expect(gitlabEvent(gitlabIssueHook({ action: 'update' })).assignees).toEqual(['user1']);
    const unassigned = gitlabIssueHook({ action: 'update' });
    unassigned.changes.assignees = { previous: unassigned.assignees, current: [] };
    expect(gitlabEvent(unassigned).assignees).toEqual([]);
    const older = gitlabIssueHook({ action: 'update' });
    delete older.assignees;
    expect(gitlabEvent(older).assignees).toBeUndefined();
  });

  it('accepts GitHub `issues.assigned` / `unassigned`, the action being authoritative over the listed assignees', () => {
    expect(githubEvent('issues.assigned')).toMatchObject({ action: 'assigned', assignees: ['Codertocat'] });
    // The example body still lists Codertocat among the assignees after unassigning him.
    expect(githubEvent('issues.unassigned')).toMatchObject({ action: 'unassigned', assignees: [] });
    expect(githubEvent('issues.labeled').assignees).toEqual(
      githubFixture('issues.labeled').issue.assignees.map((a: { login: string }) => a.login),
    );
  });

  it('plans no forge action for an assignment', () => {
    expect(decide(githubEvent('issues.assigned'), null, config).actions).toEqual([]);
  });

  it("counts a person's assignment as activity, as GitLab's update does (the stale policy sees it)", () => {
    const event = githubEvent('issues.assigned');
    const idle = { ...decide(event, null, config).state, extra: { activity: { personAt: '2019-01-01T00:00:00Z' } } };
    expect(event.actor.isBot).toBe(false);
    expect(readPersonActivity(decide(event, idle, config).state.extra)).toBe(event.occurredAt);
  });
});

describe('assignees as issue state with history', () => {
  const event = githubEvent('issues.assigned');
  // The example issue is not on the board; as an engagement (a kind), its assignments are history.
  const plain = decide(event, null, config).state;
  const state: IssueState = { ...plain, kind: 'sow-request' };
  const previous: IssueState = { ...state, assignees: ['octocat'] };

  it('records who came and who went as transitions, and the new list on the state', () => {
    const recorded = recordAssignees(event, previous, state);
    expect(recorded.state.assignees).toEqual(['Codertocat']);
    expect(recorded.transitions.map((t) => [t.from, t.to, t.at, t.actor])).toEqual([
      [null, '-assignee:octocat', event.occurredAt, 'Codertocat'],
      [null, '+assignee:Codertocat', event.occurredAt, 'Codertocat'],
    ]);
  });

  it('keeps who is assigned to an issue off the board, without transitions (it stays out of /metrics)', () => {
    expect([plain.kind, plain.stage]).toEqual([null, null]);
    expect(recordAssignees(event, { ...plain, assignees: ['octocat'] }, plain)).toEqual({
      state: { ...plain, assignees: ['Codertocat'] },
      transitions: [],
    });
  });

  it('records who is assigned when an issue joins the board', () => {
    const recorded = recordAssignees(event, { ...plain, assignees: ['Codertocat'] }, state);
    expect(recorded.transitions.map((t) => t.to)).toEqual(['+assignee:Codertocat']);
  });

  it('keeps what it knew when a payload does not list assignees', () => {
    const silent = { ...event, assignees: undefined };
    expect(recordAssignees(silent, previous, state)).toEqual({
      state: { ...state, assignees: ['octocat'] },
      transitions: [],
    });
  });

  it('gives metrics the current assignees from the history when no state is stored', () => {
    const recorded = recordAssignees(event, previous, state);
    const earlier = recordAssignees(
      { ...event, occurredAt: '2019-01-01T00:00:00Z', assignees: ['octocat'] },
      null,
      state,
    );
    const facts = issueFacts([...earlier.transitions, ...recorded.transitions], [])[0]!;
    expect(issueMetrics(facts, metricsSettings(config), Date.now()).assignees).toEqual(['Codertocat']);
  });
});

describe('assignees from backfill', () => {
  const ref = { forge: 'github' as const, project: 'acme/web', iid: 7 };
  const entry = (action: LabelHistoryEntry['action'], assignee: string, at: string): LabelHistoryEntry => ({
    ref,
    label: '',
    action,
    assignee,
    at,
    actor: 'lead',
  });

  it('records assignments like the webhooks do, once each', () => {
    const entries = [
      entry('assigned', 'alice', '2026-03-01T08:00:00Z'),
      entry('assigned', 'alice', '2026-03-01T09:00:00Z'),
      entry('assigned', 'bob', '2026-03-02T08:00:00Z'),
      entry('unassigned', 'alice', '2026-03-05T08:00:00Z'),
    ];
    expect(transitionsFromHistory(entries, backfillVocabulary(config)).map((t) => [t.to, t.at, t.source])).toEqual([
      ['+assignee:alice', '2026-03-01T08:00:00.000Z', 'backfill'],
      ['+assignee:bob', '2026-03-02T08:00:00.000Z', 'backfill'],
      ['-assignee:alice', '2026-03-05T08:00:00.000Z', 'backfill'],
    ]);
  });
});
