import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureGithubHook } from '../../../src/forges/github/hook-setup.js';
import { ensureGitlabHook } from '../../../src/forges/gitlab/hook-setup.js';
import { ForgeApiMock, forgeClients, isolateNetwork, resetNock } from '../../support/forge-nock.js';

beforeAll(isolateNetwork);
afterEach(resetNock);

const URL_GITLAB = 'https://bk.example.com/webhooks/gitlab';
const URL_GITHUB = 'https://bk.example.com/webhooks/github';
const ALL_GITLAB_EVENTS = {
  issues_events: true,
  confidential_issues_events: true,
  note_events: true,
  confidential_note_events: true,
};

describe('setup registers the GitLab hook', () => {
  it('creates a project hook with the secret and Issues + Comments events', async () => {
    const mock = new ForgeApiMock();
    mock
      .gitlab()
      .get('/api/v4/projects/42/hooks?per_page=100')
      .reply(200, [{ id: 3, url: 'https://other.example.com/hook', issues_events: true }])
      .post('/api/v4/projects/42/hooks')
      .reply(201, { id: 4 });
    const report = await ensureGitlabHook(forgeClients().gitlab!, 'project', '42', URL_GITLAB, 'the-secret');
    expect(report.created).toEqual([`project hook ${URL_GITLAB}`]);
    expect(mock.sent[1]).toEqual({
      method: 'POST',
      path: '/api/v4/projects/42/hooks',
      body: {
        url: URL_GITLAB,
        token: 'the-secret',
        push_events: false,
        enable_ssl_verification: true,
        ...ALL_GITLAB_EVENTS,
      },
    });
  });

  it('changes nothing when the hook is there with its events, and corrects the events of a group hook', async () => {
    const mock = new ForgeApiMock();
    mock
      .gitlab()
      .get('/api/v4/projects/42/hooks?per_page=100')
      .reply(200, [{ id: 4, url: `${URL_GITLAB}/`, ...ALL_GITLAB_EVENTS }])
      .get('/api/v4/groups/acme/hooks?per_page=100')
      .reply(200, [{ id: 8, url: URL_GITLAB, issues_events: true, note_events: false }])
      .put('/api/v4/groups/acme/hooks/8')
      .reply(200, { id: 8 });
    const client = forgeClients().gitlab!;
    expect(await ensureGitlabHook(client, 'project', '42', URL_GITLAB, 's')).toMatchObject({
      created: [],
      updated: [],
      unchanged: 1,
    });
    expect(await ensureGitlabHook(client, 'group', 'acme', URL_GITLAB, 's')).toMatchObject({
      updated: ['group hook 8 events'],
    });
    expect(mock.sent.map((r) => r.method)).toEqual(['GET', 'GET', 'PUT']);
    expect(mock.sent[2]!.body).toEqual({ url: URL_GITLAB, ...ALL_GITLAB_EVENTS });
  });
});

describe('setup registers the GitHub hook', () => {
  it('creates a repository hook for Issues and Issue comments, JSON, with the secret', async () => {
    const mock = new ForgeApiMock();
    mock
      .github()
      .get('/repos/acme/services/hooks?per_page=100')
      .reply(200, [])
      .post('/repos/acme/services/hooks')
      .reply(201, { id: 5 });
    const report = await ensureGithubHook(
      forgeClients().github!,
      'repository',
      'acme/services',
      URL_GITHUB,
      'the-secret',
    );
    expect(report.created).toEqual([`repository hook ${URL_GITHUB}`]);
    expect(mock.sent[1]!.body).toEqual({
      name: 'web',
      config: { url: URL_GITHUB, content_type: 'json', secret: 'the-secret', insecure_ssl: '0' },
      events: ['issues', 'issue_comment'],
      active: true,
    });
  });

  it('adds Projects v2 items on an organisation hook and re-activates it; a second run changes nothing', async () => {
    const mock = new ForgeApiMock();
    const hook = {
      id: 9,
      name: 'web',
      active: false,
      events: ['issues'],
      config: { url: URL_GITHUB, content_type: 'json' },
    };
    mock
      .github()
      .get('/orgs/acme/hooks?per_page=100')
      .reply(200, [hook])
      .patch('/orgs/acme/hooks/9')
      .reply(200, {})
      .get('/orgs/acme/hooks?per_page=100')
      .reply(200, [{ ...hook, active: true, events: ['issues', 'issue_comment', 'projects_v2_item'] }]);
    const client = forgeClients().github!;
    expect((await ensureGithubHook(client, 'organization', 'acme', URL_GITHUB, 's')).updated).toEqual([
      'organization hook 9: +issue_comment +projects_v2_item active',
    ]);
    expect(mock.sent[1]!.body).toEqual({ events: ['issues', 'issue_comment', 'projects_v2_item'], active: true });
    expect(await ensureGithubHook(client, 'organization', 'acme', URL_GITHUB, 's')).toMatchObject({
      created: [],
      updated: [],
      unchanged: 1,
    });
    expect(mock.sent).toHaveLength(3);
  });
});
