import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { IssueRef, IssueState } from '../../../src/domain/types.js';
import { createPipeline } from '../../../src/engine/pipeline.js';
import type { ForgeClient } from '../../../src/forges/forge.js';
import { createWebhooks } from '../../../src/forges/forge-webhooks.js';
import { createLogger } from '../../../src/logger.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import type { InboxRow } from '../../../src/store/store.js';
import { githubFixture } from '../../support/payloads.js';
import { ROOT } from '../../support/process.js';
import { testConfig } from '../../support/service.js';

const dir = mkdtempSync(join(tmpdir(), 'bk-pipeline-'));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A stored issue state with these fields, the rest empty. */
function issueState(ref: IssueRef, fields: Partial<IssueState> = {}): IssueState {
  const empty = {
    kind: null,
    stage: null,
    stageBeforeHold: null,
    stageBeforeClose: null,
    labels: [],
    commentDigest: null,
    segment: null,
  };
  return {
    ref,
    ...empty,
    title: 't',
    createdAt: null,
    closedAt: null,
    updatedAt: '2020-01-01T00:00:00.000Z',
    extra: {},
    ...fields,
  };
}

/** A GitHub delivery as the worker hands it over: claimed, first attempt. */
function claimed(id: string, event: string, action: string, nodeId: string, payload: unknown): InboxRow {
  const now = new Date().toISOString();
  return {
    seq: 1,
    id,
    forge: 'github',
    event: `${event}.${action}`,
    orderingKey: `github:${nodeId}`,
    headers: { 'x-github-event': event },
    body: JSON.stringify(payload),
    receivedAt: now,
    status: 'processing',
    attempts: 1,
    lastError: null,
    availableAt: now,
  };
}

it('reads the new Status from the card when a board payload does not say it, and moves the stage label', async () => {
  const store = new SqliteStore({ path: join(dir, 'db') });
  await store.migrate();
  // The examples' projects_v2_item.edited body predates GitHub sending `changes.field_value.to`.
  const payload = githubFixture('projects_v2_item.edited');
  payload.projects_v2_item.content_type = 'Issue';
  const nodeId: string = payload.projects_v2_item.content_node_id;
  const ref: IssueRef = { forge: 'github', project: 'acme/services', iid: 5, nodeId };
  const known: IssueState = {
    ref,
    kind: 'sow-request',
    stage: 'triage',
    stageBeforeHold: null,
    stageBeforeClose: null,
    labels: ['type::sow-request', 'stage::triage'],
    commentDigest: null,
    segment: null,
    title: 'Globex',
    createdAt: '2022-06-01T00:00:00.000Z',
    closedAt: null,
    updatedAt: '2022-06-01T00:00:00.000Z',
    extra: {},
  };
  await store.putIssueState(known);
  const labelCalls: [string[], string[]][] = [];
  const github: ForgeClient = {
    forge: 'github',
    getIssue: async () => null,
    applyLabels: async (_ref, add, remove) => {
      labelCalls.push([add, remove]);
      return { apiCalls: 1 };
    },
    upsertComment: async () => ({ apiCalls: 0 }),
    setBoardStatus: async () => ({ apiCalls: 0 }),
    setIssueState: async () => ({ apiCalls: 0 }),
    boardStatus: async (asked) => (asked.nodeId === nodeId ? 'Discovery' : null),
    listLabelHistory: async function* () {},
  };
  const config = testConfig();
  const handle = createPipeline({ config, store, webhooks: createWebhooks(config), clients: { gitlab: null, github } });
  const outcome = await handle(
    claimed('board-1', 'projects_v2_item', 'edited', nodeId, payload),
    createLogger({ level: 'silent' }),
  );
  expect(outcome.transitions).toMatchObject([{ from: 'triage', to: 'discovery', iid: 5 }]);
  expect(labelCalls).toEqual([[['stage::discovery'], ['stage::triage']]]);
  await store.close();
});

it("remembers the issue's address on the forge from its webhook, for the dashboard's links", async () => {
  const store = new SqliteStore({ path: join(dir, 'db-url') });
  await store.migrate();
  const config = testConfig();
  const handle = createPipeline({
    config,
    store,
    webhooks: createWebhooks(config),
    clients: { gitlab: null, github: null },
  });
  const payload = githubFixture('issues.opened');
  const outcome = await handle(
    claimed('opened-1', 'issues', 'opened', payload.issue.node_id, payload),
    createLogger({ level: 'silent' }),
  );
  expect(outcome.state?.extra.webUrl).toBe(payload.issue.html_url);
  await store.close();
});

it('records an assignment to an engagement as issue state and as a transition, and plans no forge call for it', async () => {
  const store = new SqliteStore({ path: join(dir, 'db') });
  await store.migrate();
  const config = testConfig();
  const handle = createPipeline({
    config,
    store,
    webhooks: createWebhooks(config),
    clients: { gitlab: null, github: null },
  });
  const payload = githubFixture('issues.assigned');
  const ref: IssueRef = {
    forge: 'github',
    project: payload.repository.full_name,
    iid: payload.issue.number,
    nodeId: payload.issue.node_id,
  };
  await store.putIssueState(
    issueState(ref, { kind: 'sow-request', stage: 'deployment', labels: ['type::sow-request', 'stage::deployment'] }),
  );
  const outcome = await handle(
    claimed('assigned-1', 'issues', 'assigned', payload.issue.node_id, payload),
    createLogger({ level: 'silent' }),
  );
  expect(outcome.state?.assignees).toEqual(['Codertocat']);
  expect(outcome.transitions).toMatchObject([
    { from: null, to: '+assignee:Codertocat', iid: payload.issue.number, actor: 'Codertocat' },
  ]);
  expect(outcome.audit).toEqual([]);
  await store.close();
});

describe('the comment hint: may the bot comment be created without searching for one?', () => {
  const incomplete = readFileSync(join(ROOT, 'test/fixtures/gitlab/issue-open-sow-request-incomplete.json'), 'utf8');
  const ref: IssueRef = { forge: 'gitlab', project: '1', iid: 23 };
  const stateWith = (commentDigest: string | null, extra: Record<string, unknown> = {}): IssueState =>
    issueState(ref, { commentDigest, extra });

  it.each<[string, IssueState | null, number, string | null, boolean]>([
    ['an issue first seen at its opening', null, 1, null, true],
    ['the same delivery retried (the first attempt may have commented)', null, 2, 'transient: 502', false],
    [
      'a replayed dead letter (attempt 1 again; it may have commented before it died)',
      null,
      1,
      'transient: 502',
      false,
    ],
    ['an issue the store follows and never commented on', stateWith(null), 1, null, true],
    ['an issue the bot commented on before', stateWith('digest-of-an-older-report'), 1, null, false],
    ['a state backfill wrote (it has not seen the comments)', stateWith(null, { backfilled: true }), 1, null, false],
  ])('%s → %s', async (_name, previous, attempts, lastError, absent) => {
    const store = new SqliteStore({ path: ':memory:' });
    await store.migrate();
    if (previous) await store.putIssueState(previous);
    const hints: unknown[] = [];
    const gitlab: ForgeClient = {
      forge: 'gitlab',
      getIssue: async () => ({ ref, title: 't', body: '', state: 'open', labels: [] }),
      applyLabels: async () => ({ apiCalls: 1 }),
      upsertComment: async (_ref, _marker, _body, given) => {
        hints.push(given);
        return { apiCalls: 1 };
      },
      setBoardStatus: async () => ({ apiCalls: 0 }),
      setIssueState: async () => ({ apiCalls: 0 }),
      boardStatus: async () => null,
      listLabelHistory: async function* () {},
    };
    const config = testConfig();
    const handle = createPipeline({
      config,
      store,
      webhooks: createWebhooks(config),
      clients: { gitlab, github: null },
    });
    const now = new Date().toISOString();
    await handle(
      {
        seq: 1,
        id: 'open-1',
        forge: 'gitlab',
        event: 'Issue Hook',
        orderingKey: 'gitlab:1#23',
        headers: { 'x-gitlab-event': 'Issue Hook' },
        body: incomplete,
        receivedAt: now,
        status: 'processing',
        attempts,
        lastError,
        availableAt: now,
      },
      createLogger({ level: 'silent' }),
    );
    expect(hints).toEqual([{ botCommentAbsent: absent }]);
    await store.close();
  });
});
