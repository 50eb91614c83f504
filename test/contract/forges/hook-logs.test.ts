import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isForgeError } from '../../../src/forges/errors.js';
import type { ForgeHook, HookLogEntry } from '../../../src/forges/forge.js';
import { ForgeApiMock, forgeClients, GITHUB_API, isolateNetwork, resetNock } from '../../support/forge-nock.js';

/**
 * The hook-log side of both clients (catch-up): listing hooks with their health, reading the
 * delivery log back to a date, and redelivering. Responses are shaped as the forges document them
 * (GitLab API::Entities::WebHookLog, GitHub's hook-delivery-item).
 */

beforeAll(isolateNetwork);
afterEach(resetNock);

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/hook-logs/${name}`, import.meta.url), 'utf8')) as unknown[];

async function collect(log: AsyncIterable<HookLogEntry>): Promise<HookLogEntry[]> {
  const entries: HookLogEntry[] = [];
  for await (const entry of log) entries.push(entry);
  return entries;
}

describe('GitLab hooks', () => {
  const hook: ForgeHook = {
    scope: 'project',
    owner: '42',
    id: 7,
    url: 'https://boardkeeper.example.com/webhooks/gitlab',
    health: { status: 'ok', detail: '' },
  };

  it('lists the project hooks with their health from alert_status and disabled_until', async () => {
    const mock = new ForgeApiMock();
    mock
      .gitlab()
      .get('/api/v4/projects/42/hooks?per_page=100')
      .reply(200, [
        {
          id: 7,
          url: 'https://boardkeeper.example.com/webhooks/gitlab',
          issues_events: true,
          note_events: true,
          alert_status: 'executable',
          disabled_until: null,
        },
        {
          id: 8,
          url: 'https://other.example.com/hook',
          issues_events: true,
          alert_status: 'temporarily_disabled',
          disabled_until: '2026-12-03T14:00:00.000Z',
        },
        { id: 9, url: 'https://old.example.com/hook', alert_status: 'disabled', disabled_until: null },
      ]);
    const hooks = await forgeClients().gitlab!.listHooks('42');
    expect(hooks.map((h) => [h.id, h.url, h.health.status])).toEqual([
      [7, 'https://boardkeeper.example.com/webhooks/gitlab', 'ok'],
      [8, 'https://other.example.com/hook', 'disabled'],
      [9, 'https://old.example.com/hook', 'disabled'],
    ]);
    expect(hooks[1]!.health.detail).toBe('alert_status temporarily_disabled until 2026-12-03T14:00:00.000Z');
  });

  it('reads one group hook by id', async () => {
    const mock = new ForgeApiMock();
    mock
      .gitlab()
      .get('/api/v4/groups/acme/hooks/3')
      .reply(200, { id: 3, url: 'https://boardkeeper.example.com/webhooks/gitlab', alert_status: 'executable' });
    const read = await forgeClients().gitlab!.getHook('group', 'acme', 3);
    expect(read).toMatchObject({ scope: 'group', owner: 'acme', id: 3, health: { status: 'ok' } });
  });

  it('reads the event log newest first with both delivery ids, a connection failure as no status, and stops at since', async () => {
    const mock = new ForgeApiMock();
    mock
      .gitlab()
      .get('/api/v4/projects/42/hooks/7/events?per_page=100&page=1')
      .reply(200, fixture('gitlab-hook-events.json').slice(0, 1), { 'x-next-page': '2' })
      .get('/api/v4/projects/42/hooks/7/events?per_page=100&page=2')
      .reply(200, fixture('gitlab-hook-events.json').slice(1), { 'x-next-page': '3' });
    const entries = await collect(forgeClients().gitlab!.hookLog(hook, '2026-12-01T12:00:00.000Z'));
    expect(entries).toEqual([
      {
        logId: 12,
        deliveryIds: ['13792a34-cac6-4fda-95a8-c58e00a3954e', 'a5461c4d-9c7f-4af9-add6-cddebe3c426f'],
        event: 'Issue Hook',
        at: '2026-12-02T10:00:00.000Z',
        status: null,
      },
    ]);
    // Page 3 is never asked for: page 2 reached back past `since`.
    expect(mock.sent).toHaveLength(2);
  });

  it("reads and resends through a group hook's paths", async () => {
    const mock = new ForgeApiMock();
    mock
      .gitlab()
      .get('/api/v4/groups/acme/hooks/3/events?per_page=100&page=1')
      .reply(200, fixture('gitlab-hook-events.json'), { 'x-next-page': '' })
      .post('/api/v4/groups/acme/hooks/3/events/12/resend')
      .reply(201, {});
    const client = forgeClients().gitlab!;
    const group: ForgeHook = { ...hook, scope: 'group', owner: 'acme', id: 3 };
    const entries = await collect(client.hookLog(group, '2026-11-30T00:00:00Z'));
    expect(entries.map((entry) => [entry.logId, entry.status])).toEqual([
      [12, null],
      [11, 202],
    ]);
    await client.redeliver(group, entries[0]!);
    expect(mock.pending()).toEqual([]);
  });

  it('resends a logged event by its id, and a missing log (an older GitLab) is a not-found ForgeError', async () => {
    const mock = new ForgeApiMock();
    mock
      .gitlab()
      .post('/api/v4/projects/42/hooks/7/events/12/resend')
      .reply(201, { response_status: 202 })
      .get('/api/v4/projects/42/hooks/7/events?per_page=100&page=1')
      .reply(404, { error: '404 Not Found' });
    const client = forgeClients().gitlab!;
    await client.redeliver(hook, { logId: 12, deliveryIds: [], event: 'Issue Hook', at: '', status: null });
    const failure = await collect(client.hookLog(hook, '2026-12-01T00:00:00Z')).catch((error: unknown) => error);
    expect(isForgeError(failure) && failure.kind).toBe('not-found');
    expect(mock.sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/v4/projects/42/hooks/7/events/12/resend',
      'GET /api/v4/projects/42/hooks/7/events?per_page=100&page=1',
    ]);
  });
});

describe('GitHub hooks', () => {
  const hook: ForgeHook = {
    scope: 'repository',
    owner: 'acme/services',
    id: 5,
    url: '',
    health: { status: 'ok', detail: '' },
  };

  it('lists the repository hooks with their health from active and last_response', async () => {
    const mock = new ForgeApiMock();
    mock
      .github()
      .get('/repos/acme/services/hooks?per_page=100')
      .reply(200, [
        {
          type: 'Repository',
          id: 5,
          name: 'web',
          active: true,
          events: ['issues'],
          config: { url: 'https://boardkeeper.example.com/webhooks/github', content_type: 'json' },
          last_response: { code: 202, status: 'active', message: 'OK' },
        },
        {
          type: 'Repository',
          id: 6,
          name: 'web',
          active: true,
          events: ['issues'],
          config: { url: 'https://a.example.com' },
          last_response: { code: 502, status: 'failed', message: 'Bad gateway' },
        },
        {
          type: 'Repository',
          id: 7,
          name: 'web',
          active: false,
          events: ['issues'],
          config: { url: 'https://b.example.com' },
          last_response: { code: null, status: 'unused', message: null },
        },
      ]);
    const hooks = await forgeClients().github!.listHooks('acme/services');
    expect(hooks.map((h) => [h.id, h.url, h.health.status])).toEqual([
      [5, 'https://boardkeeper.example.com/webhooks/github', 'ok'],
      [6, 'https://a.example.com', 'failing'],
      [7, 'https://b.example.com', 'disabled'],
    ]);
  });

  it('reads the delivery log through cursor pages, newest first, stopping at since', async () => {
    const mock = new ForgeApiMock();
    const [failed, accepted] = fixture('github-hook-deliveries.json');
    mock
      .github()
      .get('/repos/acme/services/hooks/5/deliveries?per_page=100')
      .reply(200, [failed], {
        link: `<${GITHUB_API}/repos/acme/services/hooks/5/deliveries?per_page=100&cursor=v1_22345678>; rel="next"`,
      })
      .get('/repos/acme/services/hooks/5/deliveries?per_page=100&cursor=v1_22345678')
      .reply(200, [accepted]);
    const entries = await collect(forgeClients().github!.hookLog(hook, '2026-12-01T12:00:00Z'));
    expect(entries).toEqual([
      {
        logId: 22345678,
        deliveryIds: ['0b989ba4-242f-11e5-81e1-c7b6966d2516'],
        event: 'issues.labeled',
        at: '2026-12-02T10:00:00Z',
        status: null,
      },
    ]);
    expect(mock.sent).toHaveLength(2);
  });

  it('redelivers with POST …/attempts, for repository and organisation hooks', async () => {
    const mock = new ForgeApiMock();
    mock
      .github()
      .post('/repos/acme/services/hooks/5/deliveries/22345678/attempts')
      .reply(202, {})
      .post('/orgs/acme/hooks/9/deliveries/1/attempts')
      .reply(202, {});
    const client = forgeClients().github!;
    const entry: HookLogEntry = { logId: 22345678, deliveryIds: [], event: 'issues', at: '', status: null };
    await client.redeliver(hook, entry);
    await client.redeliver({ ...hook, scope: 'organization', owner: 'acme', id: 9 }, { ...entry, logId: 1 });
    expect(mock.sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/acme/services/hooks/5/deliveries/22345678/attempts',
      'POST /orgs/acme/hooks/9/deliveries/1/attempts',
    ]);
  });

  it('refuses the App hook with a token (it needs the App JWT)', async () => {
    const failure = await forgeClients()
      .github!.getHook('app', '', 0)
      .catch((error: unknown) => error);
    expect(isForgeError(failure) && failure.kind).toBe('auth');
  });
});
