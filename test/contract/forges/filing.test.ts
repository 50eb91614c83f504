import { readFileSync } from 'node:fs';
import type { components } from '@octokit/openapi-types';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ForgeApiMock,
  forgeClients,
  GITHUB_REPO,
  GITLAB_PROJECT,
  isolateNetwork,
  resetNock,
} from '../../support/forge-nock.js';

beforeAll(isolateNetwork);
afterEach(resetNock);

/** A real issue object as GitHub publishes it (the webhook examples carry the REST issue shape). */
const githubIssue = (
  JSON.parse(readFileSync(new URL('../../fixtures/github/issues.opened.json', import.meta.url), 'utf8')) as {
    issue: components['schemas']['issue'];
  }
).issue;

/** GitLab's documented `POST /projects/:id/issues` answer (docs.gitlab.com/api/issues/#new-issue), trimmed to a few fields. */
const gitlabIssue = {
  id: 85,
  iid: 14,
  project_id: 42,
  title: 'Weekly digest 2026-W49',
  description: 'body',
  state: 'opened',
  labels: ['report'],
  created_at: '2026-12-07T07:00:00.000Z',
  web_url: 'https://gitlab.boardkeeper.test/acme/services/-/issues/14',
};

describe('filing a report on GitLab', () => {
  it('creates an issue with its description and labels in one POST, and says where it is', async () => {
    const mock = new ForgeApiMock();
    mock.gitlab().post('/api/v4/projects/42/issues').reply(201, gitlabIssue);
    const filed = await forgeClients().gitlab!.createIssue(GITLAB_PROJECT, {
      title: 'Weekly digest 2026-W49',
      body: '# Digest',
      labels: ['report', 'digest'],
    });
    expect(filed).toEqual({
      ref: { forge: 'gitlab', project: '42', iid: 14 },
      webUrl: gitlabIssue.web_url,
      apiCalls: 1,
    });
    expect(mock.sent).toEqual([
      {
        method: 'POST',
        path: '/api/v4/projects/42/issues',
        body: { title: 'Weekly digest 2026-W49', description: '# Digest', labels: 'report,digest' },
      },
    ]);
  });

  it('replaces an issue’s description with one PUT', async () => {
    const mock = new ForgeApiMock();
    mock
      .gitlab()
      .put('/api/v4/projects/42/issues/14')
      .reply(200, { ...gitlabIssue, description: 'new' });
    await expect(
      forgeClients().gitlab!.setIssueBody({ forge: 'gitlab', project: '42', iid: 14 }, 'new'),
    ).resolves.toEqual({ apiCalls: 1 });
    expect(mock.sent).toEqual([{ method: 'PUT', path: '/api/v4/projects/42/issues/14', body: { description: 'new' } }]);
  });

  it('reports a project it may not file in as rejected', async () => {
    const mock = new ForgeApiMock();
    mock.gitlab().post('/api/v4/projects/42/issues').reply(403, { message: '403 Forbidden' });
    await expect(
      forgeClients().gitlab!.createIssue(GITLAB_PROJECT, { title: 't', body: 'b', labels: [] }),
    ).rejects.toMatchObject({ kind: 'auth' });
  });
});

describe('filing a report on GitHub', () => {
  it('creates an issue with POST /repos/:owner/:repo/issues and says where it is', async () => {
    const mock = new ForgeApiMock();
    mock.github().post('/repos/acme/services/issues').reply(201, githubIssue);
    const filed = await forgeClients().github!.createIssue(GITHUB_REPO, {
      title: 'Weekly digest 2026-W49',
      body: '# Digest',
      labels: [],
    });
    expect(filed).toEqual({
      ref: { forge: 'github', project: GITHUB_REPO, iid: githubIssue.number, nodeId: githubIssue.node_id },
      webUrl: githubIssue.html_url,
      apiCalls: 1,
    });
    expect(mock.sent).toEqual([
      {
        method: 'POST',
        path: '/repos/acme/services/issues',
        body: { title: 'Weekly digest 2026-W49', body: '# Digest', labels: [] },
      },
    ]);
  });

  it('replaces an issue’s body with one PATCH', async () => {
    const mock = new ForgeApiMock();
    mock.github().patch('/repos/acme/services/issues/5').reply(200, githubIssue);
    await expect(
      forgeClients().github!.setIssueBody({ forge: 'github', project: GITHUB_REPO, iid: 5 }, 'new'),
    ).resolves.toEqual({ apiCalls: 1 });
    expect(mock.sent).toEqual([{ method: 'PATCH', path: '/repos/acme/services/issues/5', body: { body: 'new' } }]);
  });

  it('reports a body over the limit (422) as rejected, not retried', async () => {
    const mock = new ForgeApiMock();
    mock
      .github()
      .post('/repos/acme/services/issues')
      .reply(422, {
        message: 'Validation Failed',
        errors: [
          {
            resource: 'Issue',
            code: 'custom',
            field: 'body',
            message: 'body is too long (maximum is 65536 characters)',
          },
        ],
      });
    await expect(
      forgeClients().github!.createIssue(GITHUB_REPO, { title: 't', body: 'b', labels: [] }),
    ).rejects.toMatchObject({ kind: 'rejected' });
    expect(mock.sent).toHaveLength(1);
  });
});
