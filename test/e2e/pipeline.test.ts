import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ForgeApiMock, forgeClients, forgeTestConfig, isolateNetwork, resetNock } from '../support/forge-nock.js';
import { githubFixture } from '../support/payloads.js';
import { ROOT } from '../support/process.js';
import { eventually, startTestService, type TestService } from '../support/service.js';
import { githubHeaders, gitlabHeaders } from '../support/signing.js';

const gitlabFixture = (name: string) => readFileSync(join(ROOT, 'test/fixtures/gitlab', `${name}.json`), 'utf8');

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

describe('end to end in dry-run', () => {
  it('plans labels and one comment for an incomplete SOW request from GitLab, and records the stage', async () => {
    t = await startTestService();
    t.service.worker.start();
    await deliver('/webhooks/gitlab', gitlabHeaders('e2e-1'), gitlabFixture('issue-open-sow-request-incomplete'));
    await processed(1);
    const audit = await t.service.store.audit({ limit: 10, forge: 'gitlab' });
    expect(audit.every((entry) => entry.result === 'planned' && entry.apiCalls === 0)).toBe(true);
    const labels = audit.find((entry) => entry.action === 'labels');
    expect(labels?.detail).toMatchObject({ add: expect.arrayContaining(['needs-info', 'segment::mm']) });
    const comment = audit.find((entry) => entry.action === 'comment');
    expect((comment!.detail as { body: string }).body).toMatch(/\*\*Customer name\*\* is required/);
    // The documented hook names an assignee: recorded too, as history.
    expect(await t.service.store.transitions({ forge: 'gitlab', iid: 23 })).toMatchObject([
      { from: null, to: '+assignee:user1' },
      { from: null, to: 'intake' },
    ]);
    const shown = await t.service.app.inject({ url: '/audit?forge=gitlab' });
    expect(shown.statusCode).toBe(200);
    expect(JSON.stringify(shown.json())).toContain('needs-info');
  });
});

describe("end to end against nock'd forges", () => {
  it('labels a GitLab SOW request in one PUT', async () => {
    const config = forgeTestConfig();
    const api = new ForgeApiMock();
    api.gitlab().put('/api/v4/projects/1/issues/23').reply(200, { iid: 23, labels: [] });
    t = await startTestService({ config: { gitlab: config.gitlab }, clients: { gitlab: forgeClients(config).gitlab } });
    t.service.worker.start();
    await deliver('/webhooks/gitlab', gitlabHeaders('e2e-2'), gitlabFixture('issue-open-sow-request'));
    await processed(1);
    expect(api.sent).toEqual([
      { method: 'PUT', path: '/api/v4/projects/1/issues/23', body: { add_labels: 'segment::mm' } },
    ]);
    expect(api.pending()).toEqual([]);
    const [entry] = await t.service.store.audit({ limit: 5 });
    expect(entry).toMatchObject({ action: 'labels', result: 'applied', apiCalls: 1 });
  });

  it('keeps one stage label when a person adds a second on GitHub', async () => {
    const config = forgeTestConfig({ github: { project: undefined } });
    const payload = githubFixture('issues.labeled');
    payload.issue.labels = [
      { ...payload.label, id: 1, name: 'stage::triage' },
      { ...payload.label, id: 2, name: 'stage::discovery' },
    ];
    payload.label = { ...payload.label, id: 2, name: 'stage::discovery' };
    const api = new ForgeApiMock();
    const labels = [
      { id: 'LA_triage', name: 'stage::triage' },
      { id: 'LA_discovery', name: 'stage::discovery' },
    ];
    api
      .github()
      .post('/graphql', (sent: { query: string }) => sent.query.includes('labels(first'))
      .reply(200, {
        data: { repository: { labels: { nodes: labels, pageInfo: { hasNextPage: false, endCursor: null } } } },
      })
      .post('/graphql', (sent: { query: string }) => sent.query.includes('removeLabelsFromLabelable'))
      .reply(200, { data: { m0: { clientMutationId: null } } });
    t = await startTestService({ config: { github: config.github }, clients: { github: forgeClients(config).github } });
    t.service.worker.start();
    const body = JSON.stringify(payload);
    await deliver('/webhooks/github', await githubHeaders('issues', body, 'e2e-3'), body);
    await processed(1);
    // The repository's label ids are read once per client; the change itself is one mutation.
    expect(api.sent).toHaveLength(2);
    expect((api.sent[1]!.body as { variables: unknown }).variables).toEqual({
      m0: { labelableId: payload.issue.node_id, labelIds: ['LA_triage'] },
    });
    expect(api.pending()).toEqual([]);
    const transitions = await t.service.store.transitions({ forge: 'github' });
    expect(transitions.map((x) => x.to)).toEqual(['+assignee:Codertocat', 'discovery']);
  });
});
