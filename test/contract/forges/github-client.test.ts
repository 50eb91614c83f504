import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type nock from 'nock';
import type { LabelHistoryEntry } from '../../../src/forges/forge.js';
import {
  ForgeApiMock,
  forgeClients,
  forgeTestConfig,
  GITHUB_REPO,
  isolateNetwork,
  recordedSleeps,
  resetNock,
} from '../../support/forge-nock.js';

beforeAll(isolateNetwork);
afterEach(resetNock);

const ref = { forge: 'github' as const, project: GITHUB_REPO, iid: 5 };
const ISSUE_PATH = '/repos/acme/services/issues/5';

const BOARD = {
  repositoryOwner: {
    projectV2: {
      id: 'PVT_board',
      field: {
        id: 'PVTSSF_status',
        options: [
          { id: 'opt_intake', name: 'Intake' },
          { id: 'opt_triage', name: 'Triage' },
          { id: 'opt_sow', name: 'SOW drafting' },
        ],
      },
    },
  },
};

/** The item query answers under `node` (by node id) or `repository.issue` (by number). */
function itemsOf(optionId: string | null, { onBoard = true, byNode = false } = {}) {
  const issue = {
    id: 'I_issue5',
    projectItems: {
      nodes: onBoard
        ? [{ id: 'PVTI_item', project: { id: 'PVT_board' }, fieldValueByName: optionId ? { optionId } : null }]
        : [],
    },
  };
  return byNode ? { node: issue } : { repository: { issue } };
}

/** GraphQL requests are all POST /graphql; match them by the operation they contain. */
function graphql(scope: nock.Scope, contains: string, data: unknown): void {
  scope.post('/graphql', (body: { query: string }) => body.query.includes(contains)).reply(200, { data });
}

describe('GitHub client: labels', () => {
  it('swaps a stage with one POST and one DELETE', async () => {
    const mock = new ForgeApiMock();
    mock
      .github()
      .post(`${ISSUE_PATH}/labels`)
      .reply(200, [])
      .delete(`${ISSUE_PATH}/labels/stage%3A%3Aintake`)
      .reply(200, []);
    const result = await forgeClients().github!.applyLabels(ref, ['stage::triage'], ['stage::intake']);
    expect(result).toEqual({ apiCalls: 2 });
    expect(mock.sent).toEqual([
      { method: 'POST', path: `${ISSUE_PATH}/labels`, body: { labels: ['stage::triage'] } },
      { method: 'DELETE', path: `${ISSUE_PATH}/labels/stage::intake`, body: undefined },
    ]);
  });

  it('counts removing a label that is already gone as done', async () => {
    const mock = new ForgeApiMock();
    mock.github().delete(`${ISSUE_PATH}/labels/needs-info`).reply(404, { message: 'Label does not exist' });
    await expect(forgeClients().github!.applyLabels(ref, [], ['needs-info'])).resolves.toEqual({ apiCalls: 1 });
  });

  it('still reports a deleted issue when removing its label', async () => {
    const mock = new ForgeApiMock();
    mock.github().delete(`${ISSUE_PATH}/labels/needs-info`).reply(404, { message: 'Not Found' });
    await expect(forgeClients().github!.applyLabels(ref, [], ['needs-info'])).rejects.toMatchObject({
      kind: 'not-found',
    });
  });

  it('removes several labels by reading the set and replacing it: two calls, other labels kept', async () => {
    const mock = new ForgeApiMock();
    mock
      .github()
      .get(`${ISSUE_PATH}/labels?per_page=100`)
      .reply(200, [{ name: 'stage::intake' }, { name: 'needs-info' }, { name: 'segment::smb' }])
      .put(`${ISSUE_PATH}/labels`)
      .reply(200, []);
    const result = await forgeClients().github!.applyLabels(ref, ['stage::triage'], ['stage::intake', 'needs-info']);
    expect(result).toEqual({ apiCalls: 2 });
    expect(mock.sent[1]).toEqual({
      method: 'PUT',
      path: `${ISSUE_PATH}/labels`,
      body: { labels: ['segment::smb', 'stage::triage'] },
    });
  });
});

describe('GitHub client: Projects v2 Status', () => {
  it('adds a missing issue to the board and sets Status; the board ids are looked up once', async () => {
    const mock = new ForgeApiMock();
    const scope = mock.github();
    graphql(scope, 'repositoryOwner', BOARD);
    graphql(scope, 'projectItems', itemsOf(null, { onBoard: false }));
    graphql(scope, 'addProjectV2ItemById', { m0: { item: { id: 'PVTI_new' } } });
    graphql(scope, 'updateProjectV2ItemFieldValue', { m0: { projectV2Item: { id: 'PVTI_new' } } });
    const client = forgeClients().github!;
    await expect(client.setBoardStatus(ref, 'sow-drafting')).resolves.toEqual({ apiCalls: 4 });
    const update = mock.sent.at(-1)?.body as { variables: Record<string, unknown> };
    expect(update.variables).toEqual({
      m0: {
        projectId: 'PVT_board',
        itemId: 'PVTI_new',
        fieldId: 'PVTSSF_status',
        value: { singleSelectOptionId: 'opt_sow' },
      },
    });

    graphql(scope, 'projectItems', itemsOf('opt_sow'));
    await expect(client.setBoardStatus(ref, 'sow-drafting')).resolves.toEqual({ apiCalls: 1 });
    expect(mock.pending()).toEqual([]);
  });

  it('moves an item already on the board with one query and one mutation', async () => {
    const mock = new ForgeApiMock();
    const scope = mock.github();
    graphql(scope, 'repositoryOwner', BOARD);
    graphql(scope, 'projectItems', itemsOf('opt_intake', { byNode: true }));
    graphql(scope, 'updateProjectV2ItemFieldValue', { m0: { projectV2Item: { id: 'PVTI_item' } } });
    const client = forgeClients().github!;
    await expect(client.setBoardStatus({ ...ref, nodeId: 'I_issue5' }, 'triage')).resolves.toEqual({ apiCalls: 3 });
    expect((mock.sent[1]!.body as { variables: unknown }).variables).toEqual({ id: 'I_issue5', field: 'Status' });
  });

  it("reads the card's Status name, for board payloads that do not carry it", async () => {
    const mock = new ForgeApiMock();
    const scope = mock.github();
    graphql(scope, 'repositoryOwner', BOARD);
    graphql(scope, 'projectItems', itemsOf('opt_sow', { byNode: true }));
    graphql(scope, 'projectItems', itemsOf(null, { onBoard: false, byNode: true }));
    const client = forgeClients().github!;
    await expect(client.boardStatus({ ...ref, nodeId: 'I_issue5' })).resolves.toBe('SOW drafting');
    await expect(client.boardStatus({ ...ref, nodeId: 'I_issue5' })).resolves.toBeNull();
    expect(mock.pending()).toEqual([]);
  });

  it('skips, with a reason, a stage the board has no option for', async () => {
    const mock = new ForgeApiMock();
    graphql(mock.github(), 'repositoryOwner', BOARD);
    const result = await forgeClients().github!.setBoardStatus(ref, 'on-hold');
    expect(result.apiCalls).toBe(1);
    expect(result.skipped).toContain('on-hold');
  });

  it('maps a GraphQL NOT_FOUND to not-found', async () => {
    const mock = new ForgeApiMock();
    mock
      .github()
      .post('/graphql')
      .reply(200, {
        data: { repositoryOwner: null },
        errors: [{ type: 'NOT_FOUND', message: "Could not resolve to a node with the global id of 'x'" }],
      });
    await expect(forgeClients().github!.setBoardStatus(ref, 'triage')).rejects.toMatchObject({ kind: 'not-found' });
  });
});

describe('GitHub client: issues', () => {
  it('resolves a Projects v2 item issue known only by node id to its repository and number', async () => {
    const mock = new ForgeApiMock();
    graphql(mock.github(), 'node(id: $id)', {
      node: {
        number: 17,
        id: 'I_kwDOnode',
        title: 'SOW: Acme',
        body: '',
        state: 'OPEN',
        createdAt: '2024-01-01T00:00:00Z',
        updatedAt: '2024-01-02T00:00:00Z',
        labels: { nodes: [{ name: 'stage::triage' }] },
        author: { login: 'ae' },
        repository: { nameWithOwner: 'acme/services' },
      },
    });
    const issue = await forgeClients().github!.getIssue({ forge: 'github', project: '', iid: 0, nodeId: 'I_kwDOnode' });
    expect(issue?.ref).toEqual({ forge: 'github', project: 'acme/services', iid: 17, nodeId: 'I_kwDOnode' });
    expect(issue?.labels).toEqual(['stage::triage']);
  });

  it('treats a 403 with an exhausted rate limit as transient, waiting until the reset', async () => {
    const mock = new ForgeApiMock();
    const reset = Math.floor(Date.now() / 1000) + 600;
    mock
      .github()
      .patch(ISSUE_PATH)
      .reply(
        403,
        { message: 'API rate limit exceeded' },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      );
    const error = await forgeClients()
      .github!.setIssueState(ref, 'closed')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'transient', status: 403 });
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(590_000);
  });

  it('lists creation, labeled/unlabeled and closed/reopened events of issues (not pull requests) across pages', async () => {
    const mock = new ForgeApiMock();
    const scope = mock.github();
    const next = `<https://api.github.boardkeeper.test/repositories/1/issues?page=2>; rel="next"`;
    scope
      .get(
        '/repos/acme/services/issues?state=all&sort=created&direction=asc&per_page=100&since=2024-01-01T00%3A00%3A00Z',
      )
      .reply(
        200,
        [
          { number: 1, node_id: 'I_1', title: 'SOW: Acme', created_at: '2024-01-05T00:00:00Z', user: { login: 'ae' } },
          { number: 2, pull_request: {} },
        ],
        { link: next },
      );
    scope
      .get('/repositories/1/issues?page=2')
      .reply(200, [{ number: 3, node_id: 'I_3', title: 'Old', created_at: '2023-12-01T00:00:00Z' }]);
    const labeled = (event: string, name: string, at: string) => ({
      event,
      label: { name },
      created_at: at,
      actor: { login: 'ie' },
    });
    scope
      .get('/repos/acme/services/issues/1/events?per_page=100')
      .reply(200, [
        labeled('labeled', 'stage::intake', '2024-02-01T00:00:00Z'),
        { event: 'closed', created_at: '2024-02-02T00:00:00Z', actor: { login: 'ie' } },
        { event: 'reopened', created_at: '2024-02-03T00:00:00Z', actor: { login: 'ie' } },
        { event: 'assigned', created_at: '2024-02-04T00:00:00Z', actor: { login: 'ie' } },
      ]);
    scope
      .get('/repos/acme/services/issues/3/events?per_page=100')
      .reply(200, [labeled('unlabeled', 'stage::intake', '2024-03-01T00:00:00Z')]);
    const entries: LabelHistoryEntry[] = [];
    for await (const entry of forgeClients().github!.listLabelHistory(GITHUB_REPO, '2024-01-01T00:00:00Z'))
      entries.push(entry);
    const one = { forge: 'github', project: GITHUB_REPO, iid: 1, nodeId: 'I_1' };
    expect(entries).toEqual([
      { ref: one, label: '', action: 'created', at: '2024-01-05T00:00:00Z', actor: 'ae', title: 'SOW: Acme' },
      { ref: one, label: 'stage::intake', action: 'add', at: '2024-02-01T00:00:00Z', actor: 'ie' },
      { ref: one, label: '', action: 'closed', at: '2024-02-02T00:00:00Z', actor: 'ie' },
      { ref: one, label: '', action: 'reopened', at: '2024-02-03T00:00:00Z', actor: 'ie' },
      // Created before --since: only its later changes.
      {
        ref: { forge: 'github', project: GITHUB_REPO, iid: 3, nodeId: 'I_3' },
        label: 'stage::intake',
        action: 'remove',
        at: '2024-03-01T00:00:00Z',
        actor: 'ie',
      },
    ]);
    expect(mock.pending()).toEqual([]);
  });
});

describe('GitHub client: App authentication', () => {
  it('finds the installation of the repository owner, exchanges an installation token once and uses it', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const config = forgeTestConfig({ github: { token: undefined, app: { appId: '123', privateKey } } });
    const mock = new ForgeApiMock();
    const expires = new Date(Date.now() + 3600_000).toISOString();
    mock
      .github()
      .matchHeader('authorization', /^bearer /)
      .get('/repos/acme/services/installation')
      .reply(200, { id: 99 })
      .post('/app/installations/99/access_tokens')
      .reply(201, {
        token: 'ghs_installation',
        expires_at: expires,
        permissions: { issues: 'write' },
        repository_selection: 'all',
      });
    mock.github().matchHeader('authorization', 'token ghs_installation').patch(ISSUE_PATH).times(2).reply(200, {});
    const client = forgeClients(config, recordedSleeps().overrides).github!;
    await client.setIssueState(ref, 'closed');
    await client.setIssueState(ref, 'closed');
    expect(mock.sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/acme/services/installation',
      'POST /app/installations/99/access_tokens',
      `PATCH ${ISSUE_PATH}`,
      `PATCH ${ISSUE_PATH}`,
    ]);
  });
});
