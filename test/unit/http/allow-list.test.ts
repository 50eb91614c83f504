import { afterEach, describe, expect, it } from 'vitest';
import { gitlabIssueHook, githubFixture } from '../../support/payloads.js';
import { eventually, startTestService, type TestService } from '../../support/service.js';
import { githubHeaders, gitlabHeaders } from '../../support/signing.js';

let t: TestService | null = null;
afterEach(async () => {
  await t?.cleanup();
  t = null;
});

async function service(config: NonNullable<Parameters<typeof startTestService>[0]>['config']): Promise<TestService> {
  t = await startTestService({ config });
  return t;
}
const post = (s: TestService, url: string, headers: Record<string, string>, payload: string) =>
  s.service.app.inject({ method: 'POST', url, headers, payload });

function githubIssue(repository: string) {
  const payload = githubFixture('issues.opened');
  payload.repository.full_name = repository;
  return JSON.stringify(payload);
}

describe('github.repositories', () => {
  it('answers 200 ignored for a repository not on the list and stores nothing; listed ones are stored', async () => {
    const s = await service({ github: { repositories: ['Acme/Board'] } });
    const other = githubIssue('acme/elsewhere');
    const ignored = await post(s, '/webhooks/github', await githubHeaders('issues', other, 'd-other'), other);
    expect(ignored.statusCode).toBe(200);
    expect(ignored.json()).toEqual({ ignored: 'repository is not in github.repositories' });
    // Names are compared as GitHub does, whatever their case.
    const listed = githubIssue('acme/board');
    expect(
      (await post(s, '/webhooks/github', await githubHeaders('issues', listed, 'd-listed'), listed)).statusCode,
    ).toBe(202);
    const stored = [
      ...(await s.service.store.listInbox('queued', 10)),
      ...(await s.service.store.listInbox('done', 10)),
    ];
    expect(stored.map((row) => row.id)).toEqual(['d-listed']);
  });

  it('still answers 401 to an unsigned event of an unlisted repository', async () => {
    const s = await service({ github: { repositories: ['acme/board'] } });
    const other = githubIssue('acme/elsewhere');
    const headers = { ...(await githubHeaders('issues', other, 'd-1')), 'x-hub-signature-256': 'sha256=00' };
    expect((await post(s, '/webhooks/github', headers, other)).statusCode).toBe(401);
  });

  it('accepts a board event only for an issue already seen from a listed repository', async () => {
    const s = await service({ github: { repositories: ['acme/board'] } });
    const opened = githubFixture('issues.opened');
    opened.repository.full_name = 'acme/board';
    const body = JSON.stringify(opened);
    expect((await post(s, '/webhooks/github', await githubHeaders('issues', body, 'd-open'), body)).statusCode).toBe(
      202,
    );
    s.service.worker.start();
    await eventually(async () => (await s.service.store.inboxCounts()).done === 1, 'the opened issue processed');

    const move = (nodeId: string) => {
      const item = githubFixture('projects_v2_item.edited');
      item.projects_v2_item.content_node_id = nodeId;
      item.projects_v2_item.content_type = 'Issue';
      return JSON.stringify(item);
    };
    const known = move(opened.issue.node_id);
    const accepted = await post(
      s,
      '/webhooks/github',
      await githubHeaders('projects_v2_item', known, 'd-known'),
      known,
    );
    expect(accepted.statusCode).toBe(202);
    const unknown = move('I_kwDOsomewhereElse');
    const ignored = await post(
      s,
      '/webhooks/github',
      await githubHeaders('projects_v2_item', unknown, 'd-unknown'),
      unknown,
    );
    expect(ignored.statusCode).toBe(200);
    expect(ignored.json()).toMatchObject({ ignored: expect.stringContaining('not seen from an allowed repository') });
  });
});

describe('gitlab.projects', () => {
  it('accepts a project by id or by path, and ignores the others without storing them', async () => {
    const s = await service({ gitlab: { projects: [999, 'Group/Listed'] } });
    const hook = (id: number, path: string) =>
      JSON.stringify({
        ...gitlabIssueHook(),
        project: { ...gitlabIssueHook().project, id, path_with_namespace: path },
      });
    expect((await post(s, '/webhooks/gitlab', gitlabHeaders('by-id'), hook(999, 'group/other'))).statusCode).toBe(202);
    expect((await post(s, '/webhooks/gitlab', gitlabHeaders('by-path'), hook(5, 'group/listed'))).statusCode).toBe(202);
    const ignored = await post(s, '/webhooks/gitlab', gitlabHeaders('neither'), hook(6, 'group/other'));
    expect(ignored.statusCode).toBe(200);
    expect(ignored.json()).toEqual({ ignored: 'project is not in gitlab.projects' });
    const counts = await s.service.store.inboxCounts();
    expect(counts.queued + counts.processing + counts.done + counts.dead).toBe(2);
  });
});

describe('delivery ids', () => {
  it('answers 400 for a delivery id longer than 200 characters and never stores it', async () => {
    const s = await service({});
    const body = githubIssue('acme/board');
    const long = 'x'.repeat(201);
    const response = await post(s, '/webhooks/github', await githubHeaders('issues', body, long), body);
    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toContain('longer than 200 characters');
    expect(await s.service.store.inboxCounts()).toEqual({ queued: 0, processing: 0, done: 0, dead: 0 });
    expect(
      (await post(s, '/webhooks/github', await githubHeaders('issues', body, 'x'.repeat(200)), body)).statusCode,
    ).toBe(202);
  });
});
