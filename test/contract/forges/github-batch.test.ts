import type nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Action } from '../../../src/domain/types.js';
import { ForgeApiMock, forgeClients, GITHUB_REPO, isolateNetwork, resetNock } from '../../support/forge-nock.js';

beforeAll(isolateNetwork);
afterEach(resetNock);

const ref = { forge: 'github' as const, project: GITHUB_REPO, iid: 5, nodeId: 'I_issue5' };
const MARKER = '<!-- boardkeeper:report -->';

const BOARD = {
  repositoryOwner: {
    projectV2: {
      id: 'PVT_board',
      field: {
        id: 'PVTSSF_status',
        options: [
          { id: 'opt_intake', name: 'Intake' },
          { id: 'opt_triage', name: 'Triage' },
        ],
      },
    },
  },
};

const LABELS = {
  repository: {
    labels: {
      nodes: [
        { id: 'LA_intake', name: 'stage::intake' },
        { id: 'LA_triage', name: 'stage::triage' },
        { id: 'LA_info', name: 'needs-info' },
      ],
      pageInfo: { hasNextPage: false, endCursor: null },
    },
  },
};

function graphql(scope: nock.Scope, contains: string, answer: Record<string, unknown>): void {
  scope.post('/graphql', (body: { query: string }) => body.query.includes(contains)).reply(200, answer);
}

/** The mutations of one request: `m0: addComment(input: $m0)` → [['addComment', input]]. */
function mutationsOf(body: unknown): Array<[string, unknown]> {
  const { query, variables } = body as { query: string; variables: Record<string, unknown> };
  return [...query.matchAll(/(m\d+): (\w+)\(input: \$m\d+\)/g)].map(([, alias, field]) => [field!, variables[alias!]]);
}

const comment = (body: string): Action => ({
  type: 'comment',
  marker: MARKER,
  body: `${MARKER}\n${body}`,
  reason: 'template check',
});

describe('GitHub client: one delivery, one GraphQL request', () => {
  it('sends labels, a new comment and the card in one request, its Status in a second; later deliveries need one', async () => {
    const mock = new ForgeApiMock();
    const scope = mock.github();
    graphql(scope, 'labels(first', { data: LABELS });
    graphql(scope, 'repositoryOwner', { data: BOARD });
    graphql(scope, 'addProjectV2ItemById', {
      data: {
        m0: { clientMutationId: null },
        m1: { commentEdge: { node: { id: 'IC_report' } } },
        m2: { item: { id: 'PVTI_card' } },
      },
    });
    graphql(scope, 'updateProjectV2ItemFieldValue', { data: { m0: { projectV2Item: { id: 'PVTI_card' } } } });
    const client = forgeClients().github!;
    const opened: Action[] = [
      { type: 'labels', add: ['needs-info'], remove: [], reason: 'from the template fields' },
      comment('missing fields'),
      { type: 'board-status', stage: 'intake', reason: 'mirror' },
    ];
    await expect(client.applyActions(ref, opened, { botCommentAbsent: true })).resolves.toEqual([{}, {}, {}]);
    expect(mutationsOf(mock.sent[2]!.body)).toEqual([
      ['addLabelsToLabelable', { labelableId: 'I_issue5', labelIds: ['LA_info'] }],
      ['addComment', { subjectId: 'I_issue5', body: `${MARKER}\nmissing fields` }],
      ['addProjectV2ItemById', { projectId: 'PVT_board', contentId: 'I_issue5' }],
    ]);
    expect(mutationsOf(mock.sent[3]!.body)).toEqual([
      [
        'updateProjectV2ItemFieldValue',
        {
          projectId: 'PVT_board',
          itemId: 'PVTI_card',
          fieldId: 'PVTSSF_status',
          value: { singleSelectOptionId: 'opt_intake' },
        },
      ],
    ]);

    graphql(scope, 'removeLabelsFromLabelable', {
      data: { m0: {}, m1: {}, m2: { issueComment: { id: 'IC_report' } }, m3: {} },
    });
    const moved: Action[] = [
      { type: 'labels', add: ['stage::triage'], remove: ['stage::intake', 'needs-info'], reason: 'move' },
      comment('all present'),
      { type: 'board-status', stage: 'triage', reason: 'mirror' },
    ];
    const sentBefore = mock.sent.length;
    await client.applyActions(ref, moved);
    expect(mock.sent.length - sentBefore).toBe(1);
    expect(mutationsOf(mock.sent.at(-1)!.body)).toEqual([
      ['addLabelsToLabelable', { labelableId: 'I_issue5', labelIds: ['LA_triage'] }],
      ['removeLabelsFromLabelable', { labelableId: 'I_issue5', labelIds: ['LA_intake', 'LA_info'] }],
      ['updateIssueComment', { id: 'IC_report', body: `${MARKER}\nall present` }],
      [
        'updateProjectV2ItemFieldValue',
        {
          projectId: 'PVT_board',
          itemId: 'PVTI_card',
          fieldId: 'PVTSSF_status',
          value: { singleSelectOptionId: 'opt_triage' },
        },
      ],
    ]);
    expect(mock.pending()).toEqual([]);
  });

  it('searches the comments for the marker when it knows no comment id and cannot rule one out', async () => {
    const mock = new ForgeApiMock();
    const scope = mock.github();
    scope.get('/repos/acme/services/issues/5/comments?per_page=100').reply(200, [
      { id: 1, node_id: 'IC_other', body: 'hello' },
      { id: 2, node_id: 'IC_ours', body: `${MARKER}\nold` },
    ]);
    graphql(scope, 'updateIssueComment', { data: { m0: { issueComment: { id: 'IC_ours' } } } });
    await forgeClients().github!.applyActions(ref, [comment('new')]);
    expect(mutationsOf(mock.sent[1]!.body)).toEqual([
      ['updateIssueComment', { id: 'IC_ours', body: `${MARKER}\nnew` }],
    ]);
  });

  it('drops cached ids on NOT_FOUND and builds the request once more from fresh ones', async () => {
    const mock = new ForgeApiMock();
    const scope = mock.github();
    graphql(scope, 'repositoryOwner', { data: BOARD });
    graphql(scope, 'addProjectV2ItemById', { data: { m0: { item: { id: 'PVTI_old' } } } });
    graphql(scope, 'updateProjectV2ItemFieldValue', { data: { m0: { projectV2Item: { id: 'PVTI_old' } } } });
    const client = forgeClients().github!;
    await client.applyActions(ref, [{ type: 'board-status', stage: 'intake', reason: 'mirror' }]);

    // Someone removed the card from the board: the cached item id is gone.
    scope
      .post('/graphql', (body: { query: string }) => body.query.includes('updateProjectV2ItemFieldValue'))
      .reply(200, {
        data: { m0: null },
        errors: [
          { type: 'NOT_FOUND', path: ['m0'], message: "Could not resolve to a node with the global id of 'PVTI_old'" },
        ],
      });
    graphql(scope, 'repositoryOwner', { data: BOARD });
    graphql(scope, 'addProjectV2ItemById', { data: { m0: { item: { id: 'PVTI_new' } } } });
    graphql(scope, 'updateProjectV2ItemFieldValue', { data: { m0: { projectV2Item: { id: 'PVTI_new' } } } });
    await expect(
      client.applyActions(ref, [{ type: 'board-status', stage: 'triage', reason: 'mirror' }]),
    ).resolves.toEqual([{}]);
    expect(mutationsOf(mock.sent.at(-1)!.body)[0]![1]).toMatchObject({
      itemId: 'PVTI_new',
      value: { singleSelectOptionId: 'opt_triage' },
    });
    expect(mock.pending()).toEqual([]);
  });

  it('reports an issue that stays NOT_FOUND as not-found, keeping a comment it did create', async () => {
    const mock = new ForgeApiMock();
    const scope = mock.github();
    const gone = {
      type: 'NOT_FOUND',
      path: ['m1'],
      message: "Could not resolve to a node with the global id of 'I_issue5'",
    };
    scope
      .post('/graphql')
      .times(2)
      .reply(200, { data: { m0: { commentEdge: { node: { id: 'IC_made' } } }, m1: null }, errors: [gone] });
    const actions: Action[] = [comment('report'), { type: 'close', reason: 'closed' }];
    await expect(forgeClients().github!.applyActions(ref, actions, { botCommentAbsent: true })).rejects.toMatchObject({
      kind: 'not-found',
    });
    // The second attempt updated the comment the first one created instead of adding another.
    expect(mutationsOf(mock.sent.at(-1)!.body)[0]).toEqual([
      'updateIssueComment',
      { id: 'IC_made', body: `${MARKER}\nreport` },
    ]);
  });

  it('creates a label the repository does not have through REST, which creates it', async () => {
    const mock = new ForgeApiMock();
    const scope = mock.github();
    graphql(scope, 'labels(first', { data: LABELS });
    graphql(scope, 'labels(first', { data: LABELS });
    scope.post('/repos/acme/services/issues/5/labels').reply(200, []);
    graphql(scope, 'addLabelsToLabelable', { data: { m0: { clientMutationId: null } } });
    await forgeClients().github!.applyActions(ref, [
      { type: 'labels', add: ['escalated', 'stage::triage'], remove: [], reason: 'r' },
    ]);
    expect(mock.sent.find((r) => r.method === 'POST' && r.path.endsWith('/labels'))?.body).toEqual({
      labels: ['escalated'],
    });
    expect(mutationsOf(mock.sent.at(-1)!.body)).toEqual([
      ['addLabelsToLabelable', { labelableId: 'I_issue5', labelIds: ['LA_triage'] }],
    ]);
  });
});
