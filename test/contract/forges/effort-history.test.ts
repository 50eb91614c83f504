import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { backfillVocabulary, transitionsFromHistory } from '../../../src/engine/backfill-transitions.js';
import type { LabelHistoryEntry } from '../../../src/forges/forge.js';
import { ForgeApiMock, forgeClients, isolateNetwork, resetNock } from '../../support/forge-nock.js';

beforeAll(isolateNetwork);
afterEach(resetNock);

const QUERY = 'updated_after=2024-01-01T00%3A00%3A00Z&order_by=created_at&sort=asc&per_page=100';

async function history(): Promise<LabelHistoryEntry[]> {
  const entries: LabelHistoryEntry[] = [];
  for await (const entry of forgeClients().gitlab!.listLabelHistory('42', '2024-01-01T00:00:00Z')) entries.push(entry);
  return entries;
}

/** One issue of GitLab's "List project issues" answer, with its `time_stats` as the API documents them. */
function listedIssue(iid: number, spent: number, estimate: number) {
  return {
    iid,
    project_id: 42,
    title: 'SOW: Initech',
    state: 'opened',
    labels: ['type::sow-request', 'stage::deployment'],
    created_at: '2024-03-01T09:00:00Z',
    updated_at: '2024-05-01T10:00:00Z',
    assignees: [],
    time_stats: {
      time_estimate: estimate,
      total_time_spent: spent,
      human_time_estimate: estimate ? '5d' : null,
      human_total_time_spent: spent ? '4d 2h' : null,
    },
  };
}

describe('effort in the GitLab backfill', () => {
  it('reads `time_stats` as the totals at the last update, and records them once the issue is on the board', async () => {
    const mock = new ForgeApiMock();
    const scope = mock.gitlab();
    scope
      .get(`/api/v4/projects/42/issues?${QUERY}&page=1`)
      .reply(200, [listedIssue(1, 34 * 3600, 40 * 3600)], { 'x-next-page': '' });
    scope.get('/api/v4/projects/42/issues/1/resource_label_events?per_page=100').reply(200, [
      {
        action: 'add',
        created_at: '2024-03-01T09:00:00Z',
        label: { name: 'type::sow-request' },
        user: { username: 'ae' },
      },
      {
        action: 'add',
        created_at: '2024-04-01T09:00:00Z',
        label: { name: 'stage::deployment' },
        user: { username: 'ie' },
      },
    ]);
    scope.get('/api/v4/projects/42/issues/1/resource_state_events?per_page=100').reply(200, []);
    const entries = await history();
    const ref = { forge: 'gitlab', project: '42', iid: 1 };
    expect(entries.at(-1)).toEqual({
      ref,
      label: '',
      action: 'effort',
      effort: { spentSeconds: 34 * 3600, estimateSeconds: 40 * 3600 },
      at: '2024-05-01T10:00:00Z',
      actor: 'unknown',
    });
    const transitions = transitionsFromHistory(entries, backfillVocabulary(configSchema.parse({})));
    expect(transitions.at(-1)).toMatchObject({
      to: `+effort:${34 * 3600}:${40 * 3600}`,
      at: '2024-05-01T10:00:00.000Z',
      source: 'backfill',
      kind: 'sow-request',
    });
    expect(mock.pending()).toEqual([]);
  });

  it('records nothing for an issue without time tracked (0 is none)', async () => {
    const mock = new ForgeApiMock();
    const scope = mock.gitlab();
    scope.get(`/api/v4/projects/42/issues?${QUERY}&page=1`).reply(200, [listedIssue(2, 0, 0)], { 'x-next-page': '' });
    scope.get('/api/v4/projects/42/issues/2/resource_label_events?per_page=100').reply(200, [
      {
        action: 'add',
        created_at: '2024-04-01T09:00:00Z',
        label: { name: 'stage::deployment' },
        user: { username: 'ie' },
      },
    ]);
    scope.get('/api/v4/projects/42/issues/2/resource_state_events?per_page=100').reply(200, []);
    const transitions = transitionsFromHistory(await history(), backfillVocabulary(configSchema.parse({})));
    expect(transitions.filter((t) => t.to.startsWith('+effort:'))).toEqual([]);
    expect(transitions.map((t) => t.to)).toEqual(['deployment']);
  });
});
