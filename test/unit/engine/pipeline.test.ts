import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { IssueRef, IssueState } from '../../../src/domain/types.js';
import { createPipeline } from '../../../src/engine/pipeline.js';
import type { ForgeClient } from '../../../src/forges/forge.js';
import { createWebhooks } from '../../../src/forges/webhooks.js';
import { createLogger } from '../../../src/logger.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { githubFixture } from '../../support/payloads.js';
import { testConfig } from '../../support/service.js';

const dir = mkdtempSync(join(tmpdir(), 'bk-pipeline-'));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

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
    {
      seq: 1,
      id: 'board-1',
      forge: 'github',
      event: 'projects_v2_item.edited',
      orderingKey: `github:${nodeId}`,
      headers: { 'x-github-event': 'projects_v2_item' },
      body: JSON.stringify(payload),
      receivedAt: new Date().toISOString(),
      status: 'processing',
      attempts: 1,
      lastError: null,
      availableAt: new Date().toISOString(),
    },
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
  const handle = createPipeline({ config, store, webhooks: createWebhooks(config), clients: { gitlab: null, github: null } });
  const payload = githubFixture('issues.opened');
  const now = new Date().toISOString();
  const outcome = await handle(
    {
      seq: 1,
      id: 'opened-1',
      forge: 'github',
      event: 'issues.opened',
      orderingKey: `github:${payload.issue.node_id}`,
      headers: { 'x-github-event': 'issues' },
      body: JSON.stringify(payload),
      receivedAt: now,
      status: 'processing',
      attempts: 1,
      lastError: null,
      availableAt: now,
    },
    createLogger({ level: 'silent' }),
  );
  expect(outcome.state?.extra.webUrl).toBe(payload.issue.html_url);
  await store.close();
});
