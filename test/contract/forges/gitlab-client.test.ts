import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ForgeApiMock, forgeClients, GITLAB_PROJECT, isolateNetwork, resetNock } from '../../support/forge-nock.js';
import type { LabelHistoryEntry } from '../../../src/forges/forge.js';

beforeAll(isolateNetwork);
afterEach(resetNock);

const ref = { forge: 'gitlab' as const, project: GITLAB_PROJECT, iid: 5 };

describe('GitLab client', () => {
  it('adds and removes labels in one PUT with add_labels/remove_labels', async () => {
    const mock = new ForgeApiMock();
    mock
      .gitlab()
      .put('/api/v4/projects/42/issues/5')
      .reply(200, { iid: 5, labels: ['stage::triage'] });
    const result = await forgeClients().gitlab!.applyLabels(ref, ['stage::triage', 'needs-info'], ['stage::intake']);
    expect(result).toEqual({ apiCalls: 1 });
    expect(mock.sent).toEqual([
      {
        method: 'PUT',
        path: '/api/v4/projects/42/issues/5',
        body: { add_labels: 'stage::triage,needs-info', remove_labels: 'stage::intake' },
      },
    ]);
  });

  it('addresses a project by its path, URL-encoded', async () => {
    const mock = new ForgeApiMock();
    mock.gitlab().put('/api/v4/projects/acme%2Fservices/issues/5').reply(200, { iid: 5 });
    await forgeClients().gitlab!.applyLabels({ ...ref, project: 'acme/services' }, [], ['needs-info']);
    expect(mock.sent.map((r) => r.body)).toEqual([{ remove_labels: 'needs-info' }]);
  });

  it('creates the bot comment without reading the notes when the records say there is none, then edits it by id', async () => {
    const mock = new ForgeApiMock();
    mock
      .gitlab()
      .post('/api/v4/projects/42/issues/5/notes')
      .reply(201, { id: 77, body: 'report' })
      .put('/api/v4/projects/42/issues/5/notes/77')
      .reply(200, { id: 77, body: 'report 2' });
    const client = forgeClients().gitlab!;
    await expect(
      client.upsertComment(ref, '<!-- m -->', '<!-- m --> report', { botCommentAbsent: true }),
    ).resolves.toEqual({ apiCalls: 1 });
    await expect(client.upsertComment(ref, '<!-- m -->', '<!-- m --> report 2')).resolves.toEqual({ apiCalls: 1 });
    expect(mock.sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/v4/projects/42/issues/5/notes',
      'PUT /api/v4/projects/42/issues/5/notes/77',
    ]);
  });

  it('searches the notes for the marker when no id is known and a comment may exist', async () => {
    const mock = new ForgeApiMock();
    mock
      .gitlab()
      .get('/api/v4/projects/42/issues/5/notes?sort=asc&order_by=created_at&per_page=100')
      .reply(200, [
        { id: 3, body: 'status changed', system: true },
        { id: 9, body: '<!-- m --> old' },
      ])
      .put('/api/v4/projects/42/issues/5/notes/9')
      .reply(200, { id: 9 });
    await expect(forgeClients().gitlab!.upsertComment(ref, '<!-- m -->', '<!-- m --> new')).resolves.toEqual({
      apiCalls: 2,
    });
    expect(mock.pending()).toEqual([]);
  });

  it('mirrors nothing onto a board: the labels are the board', async () => {
    const mock = new ForgeApiMock();
    await expect(forgeClients().gitlab!.setBoardStatus(ref, 'triage')).resolves.toEqual({ apiCalls: 0 });
    expect(mock.sent).toEqual([]);
  });

  it('lists creation, resource label events and resource state events of each issue, page by page', async () => {
    const mock = new ForgeApiMock();
    const scope = mock.gitlab();
    const query = 'updated_after=2024-01-01T00%3A00%3A00Z&order_by=created_at&sort=asc&per_page=100';
    scope
      .get(`/api/v4/projects/42/issues?${query}&page=1`)
      .reply(200, [{ iid: 1, title: 'SOW: Acme', created_at: '2024-01-02T00:00:00Z', author: { username: 'ae' } }], {
        'x-next-page': '2',
      });
    scope
      .get(`/api/v4/projects/42/issues?${query}&page=2`)
      .reply(200, [{ iid: 2, title: 'Old', created_at: '2023-11-01T00:00:00Z' }], { 'x-next-page': '' });
    const state = (at: string, name: string) => ({
      id: 1,
      created_at: at,
      state: name,
      user: { username: 'ie' },
      resource_type: 'Issue',
    });
    scope
      .get('/api/v4/projects/42/issues/1/resource_state_events?per_page=100')
      .reply(200, [state('2024-02-05T00:00:00Z', 'closed'), state('2024-02-06T00:00:00Z', 'reopened')]);
    scope.get('/api/v4/projects/42/issues/2/resource_state_events?per_page=100').reply(200, []);
    const event = (at: string, action: string, name: string | null) => ({
      created_at: at,
      action,
      label: name ? { name } : null,
      user: { username: 'ie' },
    });
    scope
      .get('/api/v4/projects/42/issues/1/resource_label_events?per_page=100')
      .reply(200, [
        event('2023-12-01T00:00:00Z', 'add', 'stage::intake'),
        event('2024-02-01T10:00:00Z', 'add', 'stage::triage'),
      ]);
    scope
      .get('/api/v4/projects/42/issues/2/resource_label_events?per_page=100')
      .reply(200, [
        event('2024-03-01T00:00:00Z', 'remove', 'stage::intake'),
        event('2024-03-02T00:00:00Z', 'add', null),
      ]);
    const entries: LabelHistoryEntry[] = [];
    for await (const entry of forgeClients().gitlab!.listLabelHistory('42', '2024-01-01T00:00:00Z'))
      entries.push(entry);
    const one = { forge: 'gitlab', project: '42', iid: 1 };
    expect(entries).toEqual([
      { ref: one, label: '', action: 'created', at: '2024-01-02T00:00:00Z', actor: 'ae', title: 'SOW: Acme' },
      { ref: one, label: 'stage::triage', action: 'add', at: '2024-02-01T10:00:00Z', actor: 'ie' },
      { ref: one, label: '', action: 'closed', at: '2024-02-05T00:00:00Z', actor: 'ie' },
      { ref: one, label: '', action: 'reopened', at: '2024-02-06T00:00:00Z', actor: 'ie' },
      {
        ref: { forge: 'gitlab', project: '42', iid: 2 },
        label: 'stage::intake',
        action: 'remove',
        at: '2024-03-01T00:00:00Z',
        actor: 'ie',
      },
    ]);
    expect(mock.pending()).toEqual([]);
  });
});
