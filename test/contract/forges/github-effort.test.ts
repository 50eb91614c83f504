import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type nock from 'nock';
import { createGithubWebhooks } from '../../../src/forges/github/events.js';
import type { LabelHistoryEntry } from '../../../src/forges/forge.js';
import type { Delivery } from '../../../src/store/store.js';
import { githubFixture } from '../../support/payloads.js';
import { ForgeApiMock, forgeClients, forgeTestConfig, isolateNetwork, resetNock } from '../../support/forge-nock.js';

beforeAll(isolateNetwork);
afterEach(resetNock);

const HOUR = 3600;
const EFFORT_FIELDS = { spent: 'Hours spent', estimate: 'Hours estimated' };
const BOARD = {
  repositoryOwner: {
    projectV2: { id: 'PVT_board', field: { id: 'PVTSSF_status', options: [{ id: 'opt_intake', name: 'Intake' }] } },
  },
};

function graphql(scope: nock.Scope, contains: string, data: unknown): void {
  scope.post('/graphql', (body: { query: string }) => body.query.includes(contains)).reply(200, { data });
}

/**
 * `projects_v2_item.edited` from @octokit/webhooks-examples, edited on a number field instead of the
 * Status: GitHub's webhook schema (`@octokit/openapi-webhooks-types`) gives such a change
 * `field_type: "number"`, the field's name and numbers as `from` / `to`.
 */
function numberFieldEdit(fieldName: string | undefined) {
  const payload = githubFixture('projects_v2_item.edited');
  payload.projects_v2_item.content_type = 'Issue';
  payload.changes.field_value = {
    field_node_id: 'PVTF_hours',
    field_type: 'number',
    ...(fieldName ? { field_name: fieldName } : {}),
    from: 12,
    to: 16.5,
  };
  return payload;
}

describe('GitHub board effort fields', () => {
  const headers = { 'x-github-event': 'projects_v2_item', 'x-github-delivery': 'd1' };
  const webhooks = createGithubWebhooks({ secret: 's', effortFields: Object.values(EFFORT_FIELDS) });

  it('accepts an edit of a configured hours field as an effort change of the card’s issue', () => {
    const payload = numberFieldEdit('Hours spent');
    const classified = webhooks.classify(headers, payload);
    if (!('accept' in classified)) throw new Error(JSON.stringify(classified));
    const delivery: Delivery = {
      ...classified.accept,
      body: JSON.stringify(payload),
      receivedAt: '2026-01-01T00:00:00Z',
    };
    expect(webhooks.normalize(delivery)).toMatchObject({
      action: 'effort_changed',
      issue: { iid: 0, nodeId: payload.projects_v2_item.content_node_id },
    });
    // A payload that does not name the field is read from the card too.
    expect('accept' in webhooks.classify(headers, numberFieldEdit(undefined))).toBe(true);
  });

  it('ignores other number fields, and every number field when none is configured', () => {
    expect(webhooks.classify(headers, numberFieldEdit('Story points'))).toEqual({
      ignored: 'board field of type number is not handled',
    });
    expect(createGithubWebhooks({ secret: 's' }).classify(headers, numberFieldEdit('Hours spent'))).toEqual({
      ignored: 'board field of type number is not handled',
    });
    // The Status edit of the example still is a board move.
    const status = githubFixture('projects_v2_item.edited');
    status.projects_v2_item.content_type = 'Issue';
    expect('accept' in webhooks.classify(headers, status)).toBe(true);
  });

  it('reads both fields in hours with the item query it reads the Status with, one request', async () => {
    const mock = new ForgeApiMock();
    const scope = mock.github();
    const client = forgeClients(
      forgeTestConfig({ github: { project: { owner: 'acme', number: 1, effortFields: EFFORT_FIELDS } } }),
    ).github!;
    graphql(scope, 'repositoryOwner', BOARD);
    graphql(scope, 'projectItems', {
      node: {
        id: 'I_issue5',
        projectItems: {
          nodes: [
            {
              id: 'PVTI_item',
              project: { id: 'PVT_board' },
              fieldValueByName: { optionId: 'opt_intake' },
              spent: { number: 16.5 },
              estimate: {},
            },
          ],
        },
      },
    });
    await expect(
      client.boardEffort!({ forge: 'github', project: 'acme/services', iid: 5, nodeId: 'I_issue5' }),
    ).resolves.toEqual({
      spentSeconds: 16.5 * HOUR,
      estimateSeconds: null,
    });
    const query = mock.sent.at(-1)?.body as { query: string; variables: Record<string, unknown> };
    expect(query.variables).toEqual({
      id: 'I_issue5',
      field: 'Status',
      spent: 'Hours spent',
      estimate: 'Hours estimated',
    });
    expect(query.query).toContain(
      'spent: fieldValueByName(name: $spent) { ... on ProjectV2ItemFieldNumberValue { number } }',
    );
    expect(query.query).toContain('query($id: ID!, $field: String!, $spent: String!, $estimate: String!)');
    expect(mock.pending()).toEqual([]);
  });

  it('reads nothing without effort fields configured', async () => {
    const client = forgeClients().github!;
    await expect(
      client.boardEffort!({ forge: 'github', project: 'acme/services', iid: 5, nodeId: 'I_issue5' }),
    ).resolves.toBeNull();
  });

  it('backfills the hours the card holds now, as of the issue’s last update', async () => {
    const mock = new ForgeApiMock();
    const scope = mock.github();
    const client = forgeClients(
      forgeTestConfig({ github: { project: { owner: 'acme', number: 1, effortFields: EFFORT_FIELDS } } }),
    ).github!;
    scope
      .get(
        '/repos/acme/services/issues?state=all&sort=created&direction=asc&per_page=100&since=2024-01-01T00%3A00%3A00Z',
      )
      .reply(200, [
        {
          number: 1,
          node_id: 'I_1',
          title: 'SOW: Acme',
          created_at: '2023-12-01T00:00:00Z',
          updated_at: '2024-05-01T10:00:00Z',
        },
      ]);
    scope.get('/repos/acme/services/issues/1/events?per_page=100').reply(200, []);
    graphql(scope, 'repositoryOwner', BOARD);
    graphql(scope, 'projectItems', {
      node: {
        id: 'I_1',
        projectItems: {
          nodes: [
            {
              id: 'PVTI_1',
              project: { id: 'PVT_board' },
              fieldValueByName: null,
              spent: { number: 30 },
              estimate: { number: 40 },
            },
          ],
        },
      },
    });
    const entries: LabelHistoryEntry[] = [];
    for await (const entry of client.listLabelHistory('acme/services', '2024-01-01T00:00:00Z')) entries.push(entry);
    expect(entries).toEqual([
      {
        ref: { forge: 'github', project: 'acme/services', iid: 1, nodeId: 'I_1' },
        label: '',
        action: 'effort',
        effort: { spentSeconds: 30 * HOUR, estimateSeconds: 40 * HOUR },
        at: '2024-05-01T10:00:00Z',
        actor: 'unknown',
      },
    ]);
    expect(mock.pending()).toEqual([]);
  });
});
