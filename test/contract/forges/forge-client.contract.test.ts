/**
 * One contract, both forges: the same behaviours (exact requests, idempotence, error kinds,
 * retries, concurrency) checked against the GitLab and the GitHub client with nock.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type nock from 'nock';
import type { IssueRef } from '../../../src/domain/types.js';
import { ForgeError } from '../../../src/forges/errors.js';
import type { ForgeClient } from '../../../src/forges/forge.js';
import type { ForgeClients } from '../../../src/forges/clients.js';
import {
  ForgeApiMock,
  forgeClients,
  forgeTestConfig,
  GITHUB_REPO,
  GITLAB_PROJECT,
  isolateNetwork,
  recordedSleeps,
  resetNock,
} from '../../support/forge-nock.js';

interface Endpoint {
  method: string;
  path: string;
}

interface Harness {
  forge: 'gitlab' | 'github';
  ref: IssueRef;
  pick: (clients: ForgeClients) => ForgeClient;
  scope: (mock: ForgeApiMock) => nock.Scope;
  /** The request `setIssueState(ref, 'closed')` makes: one call on both forges. */
  close: Endpoint & { body: unknown };
  issue: Endpoint;
  issueBody: (labels: string[]) => object;
  listComments: Endpoint;
  createComment: Endpoint;
  updateComment: (id: number) => Endpoint;
  commentsBody: (comments: Array<{ id: number; body: string }>) => object[];
}

const gitlab: Harness = {
  forge: 'gitlab',
  ref: { forge: 'gitlab', project: GITLAB_PROJECT, iid: 5 },
  pick: (clients) => clients.gitlab!,
  scope: (mock) => mock.gitlab(),
  close: { method: 'PUT', path: '/api/v4/projects/42/issues/5', body: { state_event: 'close' } },
  issue: { method: 'GET', path: '/api/v4/projects/42/issues/5' },
  issueBody: (labels) => ({
    iid: 5,
    project_id: 42,
    title: 'SOW: Acme',
    description: 'body',
    state: 'opened',
    labels,
    author: { username: 'ae' },
  }),
  listComments: { method: 'GET', path: '/api/v4/projects/42/issues/5/notes?sort=asc&order_by=created_at&per_page=100' },
  createComment: { method: 'POST', path: '/api/v4/projects/42/issues/5/notes' },
  updateComment: (id) => ({ method: 'PUT', path: `/api/v4/projects/42/issues/5/notes/${id}` }),
  commentsBody: (comments) => comments.map((c) => ({ ...c, system: false })),
};

const github: Harness = {
  forge: 'github',
  ref: { forge: 'github', project: GITHUB_REPO, iid: 5 },
  pick: (clients) => clients.github!,
  scope: (mock) => mock.github(),
  close: { method: 'PATCH', path: '/repos/acme/services/issues/5', body: { state: 'closed' } },
  issue: { method: 'GET', path: '/repos/acme/services/issues/5' },
  issueBody: (labels) => ({
    number: 5,
    node_id: 'I_kwDOissue5',
    title: 'SOW: Acme',
    body: 'body',
    state: 'open',
    labels: labels.map((name) => ({ name })),
    user: { login: 'ae' },
  }),
  listComments: { method: 'GET', path: '/repos/acme/services/issues/5/comments?per_page=100' },
  createComment: { method: 'POST', path: '/repos/acme/services/issues/5/comments' },
  updateComment: (id) => ({ method: 'PATCH', path: `/repos/acme/services/issues/comments/${id}` }),
  commentsBody: (comments) => comments,
};

const MARKER = '<!-- boardkeeper:intake -->';

function intercept(scope: nock.Scope, endpoint: Endpoint): nock.Interceptor {
  return scope.intercept(endpoint.path, endpoint.method);
}

async function failure(promise: Promise<unknown>): Promise<ForgeError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ForgeError);
  return error as ForgeError;
}

beforeAll(isolateNetwork);
afterEach(resetNock);

describe.each([gitlab, github])('$forge client contract', (h) => {
  function setup(overrides = recordedSleeps()) {
    const mock = new ForgeApiMock();
    const client = h.pick(forgeClients(forgeTestConfig(), overrides.overrides));
    return { mock, client, scope: h.scope(mock), sleeps: overrides.sleeps };
  }

  it('closes an issue with exactly one request', async () => {
    const { mock, client, scope } = setup();
    intercept(scope, h.close).reply(200, h.issueBody([]));
    await expect(client.setIssueState(h.ref, 'closed')).resolves.toEqual({ apiCalls: 1 });
    expect(mock.sent).toEqual([{ ...h.close }]);
  });

  it('reads the current labels of an issue, and null for a deleted one', async () => {
    const { client, scope } = setup();
    intercept(scope, h.issue).reply(200, h.issueBody(['stage::intake', 'needs-info']));
    const issue = await client.getIssue(h.ref);
    expect(issue?.labels).toEqual(['stage::intake', 'needs-info']);
    expect(issue?.ref.iid).toBe(5);
    intercept(scope, h.issue).reply(404, { message: '404 Not found' });
    await expect(client.getIssue(h.ref)).resolves.toBeNull();
  });

  it('sends nothing when there is no label to change', async () => {
    const { mock, client } = setup();
    await expect(client.applyLabels(h.ref, [], [])).resolves.toEqual({ apiCalls: 0 });
    expect(mock.sent).toEqual([]);
  });

  it('retries a 429 after the Retry-After the forge asked for, then succeeds', async () => {
    const { mock, client, scope, sleeps } = setup();
    intercept(scope, h.close).reply(429, { message: 'Too many requests' }, { 'Retry-After': '2' });
    intercept(scope, h.close).reply(200, h.issueBody([]));
    await expect(client.setIssueState(h.ref, 'closed')).resolves.toEqual({ apiCalls: 2 });
    expect(mock.sent).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(2_000);
  });

  it('leaves a long Retry-After to the engine: one request, transient error carrying the wait', async () => {
    const { mock, client, scope, sleeps } = setup();
    intercept(scope, h.close).reply(429, { message: 'Too many requests' }, { 'Retry-After': '120' });
    const error = await failure(client.setIssueState(h.ref, 'closed'));
    expect(error.kind).toBe('transient');
    expect(error.retryAfterMs).toBe(120_000);
    expect(mock.sent).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('gives up on a persistent 500 after two quick retries, as a transient error for the engine', async () => {
    const { mock, client, scope } = setup();
    intercept(scope, h.close).times(3).reply(500, { message: 'Internal Server Error' });
    const error = await failure(client.setIssueState(h.ref, 'closed'));
    expect(error.kind).toBe('transient');
    expect(error.status).toBe(500);
    expect(mock.sent).toHaveLength(3);
    expect(mock.pending()).toEqual([]);
  });

  it('reports a deleted issue as not-found without retrying', async () => {
    const { mock, client, scope } = setup();
    intercept(scope, h.close).reply(404, { message: '404 Issue Not Found' });
    const error = await failure(client.setIssueState(h.ref, 'closed'));
    expect(error.kind).toBe('not-found');
    expect(mock.sent).toHaveLength(1);
  });

  it('reports a bad token as a configuration error naming the setting, without retrying', async () => {
    const { mock, client, scope } = setup();
    intercept(scope, h.close).reply(401, { message: '401 Unauthorized' });
    const error = await failure(client.setIssueState(h.ref, 'closed'));
    expect(error.kind).toBe('auth');
    expect(error.message).toContain(`${h.forge}.token`);
    expect(mock.sent).toHaveLength(1);
  });

  it('dead-letters any other 4xx with the forge message', async () => {
    const { client, scope } = setup();
    intercept(scope, h.close).reply(422, { message: 'Validation failed: state is invalid' });
    const error = await failure(client.setIssueState(h.ref, 'closed'));
    expect(error.kind).toBe('rejected');
    expect(error.message).toContain('Validation failed: state is invalid');
  });

  it('treats a response slower than the timeout as transient', async () => {
    const { mock, client, scope } = setup({
      ...recordedSleeps(),
      overrides: { timeoutMs: 50, quickRetries: 0 },
    } as ReturnType<typeof recordedSleeps>);
    intercept(scope, h.close).delay(2_000).reply(200, h.issueBody([]));
    const error = await failure(client.setIssueState(h.ref, 'closed'));
    expect(error.kind).toBe('transient');
    expect(error.status).toBeNull();
    expect(mock.sent.length).toBeLessThanOrEqual(1);
  });

  it('creates the bot comment when none carries the marker, then updates it in one request', async () => {
    const { mock, client, scope } = setup();
    intercept(scope, h.listComments).reply(200, h.commentsBody([{ id: 3, body: 'a human comment' }]));
    intercept(scope, h.createComment).reply(201, { id: 11, body: `${MARKER}\nv1` });
    intercept(scope, h.updateComment(11)).reply(200, { id: 11, body: `${MARKER}\nv2` });
    await expect(client.upsertComment(h.ref, MARKER, `${MARKER}\nv1`)).resolves.toEqual({ apiCalls: 2 });
    await expect(client.upsertComment(h.ref, MARKER, `${MARKER}\nv2`)).resolves.toEqual({ apiCalls: 1 });
    expect(mock.sent).toEqual([
      { ...h.listComments, body: undefined },
      { ...h.createComment, body: { body: `${MARKER}\nv1` } },
      { ...h.updateComment(11), body: { body: `${MARKER}\nv2` } },
    ]);
  });

  it('updates the existing marked comment, and writes nothing when it already says the same', async () => {
    const { mock, client, scope } = setup();
    const comments = h.commentsBody([
      { id: 3, body: 'a human comment' },
      { id: 9, body: `${MARKER}\nold` },
    ]);
    intercept(scope, h.listComments).reply(200, comments);
    intercept(scope, h.updateComment(9)).reply(200, { id: 9, body: `${MARKER}\nnew` });
    await expect(client.upsertComment(h.ref, MARKER, `${MARKER}\nnew`)).resolves.toEqual({ apiCalls: 2 });
    expect(mock.sent[1]).toEqual({ ...h.updateComment(9), body: { body: `${MARKER}\nnew` } });

    const fresh = setup();
    intercept(fresh.scope, h.listComments).reply(200, comments);
    await expect(fresh.client.upsertComment(h.ref, MARKER, `${MARKER}\nold`)).resolves.toEqual({ apiCalls: 1 });
    expect(fresh.mock.sent).toHaveLength(1);
  });

  it('finds the comment again when the remembered one was deleted', async () => {
    const { mock, client, scope } = setup();
    intercept(scope, h.listComments).reply(200, h.commentsBody([]));
    intercept(scope, h.createComment).reply(201, { id: 11, body: `${MARKER}\nv1` });
    intercept(scope, h.updateComment(11)).reply(404, { message: 'Not Found' });
    intercept(scope, h.listComments).reply(200, h.commentsBody([]));
    intercept(scope, h.createComment).reply(201, { id: 12, body: `${MARKER}\nv2` });
    await client.upsertComment(h.ref, MARKER, `${MARKER}\nv1`);
    await expect(client.upsertComment(h.ref, MARKER, `${MARKER}\nv2`)).resolves.toEqual({ apiCalls: 3 });
    expect(mock.sent.map((r) => r.method)).toEqual([
      h.listComments.method,
      'POST',
      h.updateComment(11).method,
      'GET',
      'POST',
    ]);
  });

  it('never has more requests in flight than the configured concurrency', async () => {
    const config = forgeTestConfig({ gitlab: { concurrency: 2 }, github: { concurrency: 2 } });
    const client = h.pick(forgeClients(config, recordedSleeps().overrides));
    const mock = new ForgeApiMock();
    let inFlight = 0;
    let peak = 0;
    intercept(h.scope(mock), h.close)
      .times(6)
      .reply(async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 15));
        inFlight -= 1;
        return [200, h.issueBody([])];
      });
    const results = await Promise.all(Array.from({ length: 6 }, () => client.setIssueState(h.ref, 'closed')));
    expect(results.every((r) => r.apiCalls === 1)).toBe(true);
    expect(mock.sent).toHaveLength(6);
    expect(peak).toBe(2);
  });
});
