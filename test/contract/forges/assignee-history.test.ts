import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LabelHistoryEntry } from '../../../src/forges/forge.js';
import { ForgeApiMock, forgeClients, GITHUB_REPO, isolateNetwork, resetNock } from '../../support/forge-nock.js';

beforeAll(isolateNetwork);
afterEach(resetNock);

async function history(forge: 'gitlab' | 'github', project: string): Promise<LabelHistoryEntry[]> {
  const entries: LabelHistoryEntry[] = [];
  for await (const entry of forgeClients()[forge]!.listLabelHistory(project, '2024-01-01T00:00:00Z'))
    entries.push(entry);
  return entries;
}

describe('assignees in the backfill history', () => {
  it('GitHub: lists assigned / unassigned issue events with the login and the time', async () => {
    const mock = new ForgeApiMock();
    const scope = mock.github();
    scope
      .get(
        '/repos/acme/services/issues?state=all&sort=created&direction=asc&per_page=100&since=2024-01-01T00%3A00%3A00Z',
      )
      .reply(200, [{ number: 1, node_id: 'I_1' }]);
    scope.get('/repos/acme/services/issues/1/events?per_page=100').reply(200, [
      { event: 'assigned', assignee: { login: 'alice' }, actor: { login: 'lead' }, created_at: '2023-12-01T00:00:00Z' },
      { event: 'assigned', assignee: { login: 'bob' }, actor: { login: 'lead' }, created_at: '2024-02-01T00:00:00Z' },
      {
        event: 'unassigned',
        assignee: { login: 'alice' },
        actor: { login: 'lead' },
        created_at: '2024-02-03T00:00:00Z',
      },
    ]);
    const ref = { forge: 'github', project: GITHUB_REPO, iid: 1, nodeId: 'I_1' };
    expect(await history('github', GITHUB_REPO)).toEqual([
      { ref, label: '', action: 'assigned', assignee: 'bob', at: '2024-02-01T00:00:00Z', actor: 'lead' },
      { ref, label: '', action: 'unassigned', assignee: 'alice', at: '2024-02-03T00:00:00Z', actor: 'lead' },
    ]);
    expect(mock.pending()).toEqual([]);
  });

  it('GitLab: has no assignment events, so the current assignees count as of the last update', async () => {
    const mock = new ForgeApiMock();
    const scope = mock.gitlab();
    const query = 'updated_after=2024-01-01T00%3A00%3A00Z&order_by=created_at&sort=asc&per_page=100';
    scope
      .get(`/api/v4/projects/42/issues?${query}&page=1`)
      .reply(200, [{ iid: 1, updated_at: '2024-05-01T10:00:00Z', assignees: [{ username: 'alice' }] }], {
        'x-next-page': '',
      });
    scope.get('/api/v4/projects/42/issues/1/resource_label_events?per_page=100').reply(200, []);
    scope.get('/api/v4/projects/42/issues/1/resource_state_events?per_page=100').reply(200, []);
    expect(await history('gitlab', '42')).toEqual([
      {
        ref: { forge: 'gitlab', project: '42', iid: 1 },
        label: '',
        action: 'assigned',
        assignee: 'alice',
        at: '2024-05-01T10:00:00Z',
        actor: 'unknown',
      },
    ]);
    expect(mock.pending()).toEqual([]);
  });
});
