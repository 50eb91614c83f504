import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError } from '../../../src/store/store.js';
import { gitlabIssueHook, githubFixture } from '../../support/payloads.js';
import { eventually, startTestService, type TestService } from '../../support/service.js';
import { GITHUB_SECRET, GITLAB_SECRET, githubHeaders, gitlabHeaders } from '../../support/signing.js';

let t: TestService;
beforeEach(async () => {
  t = await startTestService();
});
afterEach(async () => {
  await t.cleanup();
});

const inject = (url: string, headers: Record<string, string>, payload: string | Buffer) =>
  t.service.app.inject({ method: 'POST', url, headers, payload });

async function stillAnswers() {
  const health = await t.service.app.inject({ method: 'GET', url: '/healthz' });
  expect(health.statusCode).toBe(200);
}

describe('POST /webhooks/github', () => {
  it('answers 202 once the delivery is stored, and 200 duplicate for the same delivery id', async () => {
    const body = JSON.stringify(githubFixture('issues.opened'));
    const headers = await githubHeaders('issues', body, 'delivery-1');
    const first = await inject('/webhooks/github', headers, body);
    expect(first.statusCode).toBe(202);
    expect(first.json()).toEqual({ queued: true, id: 'delivery-1' });
    const [row] = await t.service.store.listInbox('queued', 10);
    expect(row).toMatchObject({ id: 'delivery-1', forge: 'github', event: 'issues.opened', body });
    const again = await inject('/webhooks/github', headers, body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ duplicate: true, id: 'delivery-1' });
    expect((await t.service.store.inboxCounts()).queued).toBe(1);
  });

  it('answers ping with 200', async () => {
    const body = JSON.stringify(githubFixture('ping.event'));
    const response = await inject('/webhooks/github', await githubHeaders('ping', body, 'p1'), body);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ pong: true });
  });

  it.each([
    ['a wrong signature', async (body: string) => githubHeaders('issues', body, 'd', 'not-the-secret')],
    [
      'no signature',
      async (body: string) => {
        const { 'x-hub-signature-256': _dropped, ...rest } = await githubHeaders('issues', body, 'd');
        return rest;
      },
    ],
    ['a signature of another body', async (_body: string) => githubHeaders('issues', '{}', 'd')],
  ])('refuses %s with 401 and no detail', async (_name, headersFor) => {
    const body = JSON.stringify(githubFixture('issues.opened'));
    const response = await inject('/webhooks/github', await headersFor(body), body);
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe('{"error":"unauthorized","code":"BK_WEBHOOK_BAD_SIGNATURE"}');
    expect((await t.service.store.inboxCounts()).queued).toBe(0);
    await stillAnswers();
  });

  it('answers 400 for a signed body that is not JSON', async () => {
    const body = '{"action": "opened", ';
    const response = await inject('/webhooks/github', await githubHeaders('issues', body, 'd'), body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'body is not valid JSON', code: 'BK_WEBHOOK_INVALID_JSON' });
    await stillAnswers();
  });

  it('answers 400 naming the field for a signed body of the wrong shape, without echoing it', async () => {
    const payload = githubFixture('issues.opened');
    payload.issue.number = 'SECRET-LOOKING-VALUE';
    const body = JSON.stringify(payload);
    const response = await inject('/webhooks/github', await githubHeaders('issues', body, 'd'), body);
    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toMatch(/^issue\.number: /);
    expect(response.body).not.toContain('SECRET-LOOKING-VALUE');
  });

  it('ignores events it does not handle without queueing them', async () => {
    const body = JSON.stringify(githubFixture('push.event'));
    const response = await inject('/webhooks/github', await githubHeaders('push', body, 'd'), body);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ignored: "event 'push' is not handled" });
    expect((await t.service.store.inboxCounts()).queued).toBe(0);
  });

  it('answers 413 for a body over the limit and keeps serving', async () => {
    const body = JSON.stringify({ padding: 'x'.repeat(t.config.server.bodyLimitBytes) });
    const response = await inject('/webhooks/github', await githubHeaders('issues', body, 'd'), body);
    expect(response.statusCode).toBe(413);
    await stillAnswers();
  });

  it('answers 503 when the store cannot write, so the forge retries', async () => {
    const body = JSON.stringify(githubFixture('issues.opened'));
    // The store's own failure modes are in its tests (journal write, fsync, connection); here: the answer.
    vi.spyOn(t.service.store, 'enqueue').mockRejectedValueOnce(new StoreUnavailableError('disk full'));
    const response = await inject('/webhooks/github', await githubHeaders('issues', body, 'd-503'), body);
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBeDefined();
    const retried = await inject('/webhooks/github', await githubHeaders('issues', body, 'd-503'), body);
    expect(retried.statusCode).toBe(202);
  });
});

describe('POST /webhooks/gitlab', () => {
  it('stores an Issue Hook keyed by X-Gitlab-Event-UUID', async () => {
    const body = JSON.stringify(gitlabIssueHook());
    const response = await inject('/webhooks/gitlab', gitlabHeaders('uuid-1'), body);
    expect(response.statusCode).toBe(202);
    expect((await t.service.store.listInbox('queued', 1))[0]).toMatchObject({
      id: 'uuid-1',
      orderingKey: 'gitlab:1#23',
    });
  });

  it("takes GitLab's resend (same Idempotency-Key, new X-Gitlab-Event-UUID) as a duplicate, and processes the delivery once", async () => {
    const body = JSON.stringify(gitlabIssueHook({ action: 'open', previousLabels: [], labels: ['stage::intake'] }));
    const first = await inject(
      '/webhooks/gitlab',
      { ...gitlabHeaders('uuid-first'), 'idempotency-key': 'idem-1' },
      body,
    );
    expect(first.statusCode).toBe(202);
    const resent = await inject(
      '/webhooks/gitlab',
      { ...gitlabHeaders('uuid-resend'), 'idempotency-key': 'idem-1' },
      body,
    );
    expect(resent.statusCode).toBe(200);
    expect(resent.json()).toEqual({ duplicate: true, id: 'idem-1' });
    t.service.worker.start();
    await eventually(async () => (await t.service.store.inboxCounts()).done === 1, 'the delivery processed');
    expect(await t.service.store.inboxCounts()).toEqual({ queued: 0, processing: 0, done: 1, dead: 0 });
    expect(
      (await t.service.store.transitions({ forge: 'gitlab', iid: 23 })).filter((x) => x.to === 'intake'),
    ).toHaveLength(1);
  });

  it.each([
    ['a wrong token', gitlabHeaders('u', 'Issue Hook', 'wrong')],
    ['a token that differs only in length', gitlabHeaders('u', 'Issue Hook', `${GITLAB_SECRET}x`)],
    ['no token', { 'content-type': 'application/json', 'x-gitlab-event': 'Issue Hook' }],
  ])('refuses %s with 401', async (_name, headers) => {
    const response = await inject('/webhooks/gitlab', headers, JSON.stringify(gitlabIssueHook()));
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe('{"error":"unauthorized","code":"BK_WEBHOOK_BAD_SIGNATURE"}');
  });

  it('ignores a Push Hook', async () => {
    const response = await inject('/webhooks/gitlab', gitlabHeaders('u', 'Push Hook'), '{"object_kind":"push"}');
    expect(response.json()).toEqual({ ignored: "event 'Push Hook' is not handled" });
  });

  it('answers 415 for a body that is not declared JSON', async () => {
    const response = await inject('/webhooks/gitlab', { ...gitlabHeaders('u'), 'content-type': 'text/plain' }, 'hello');
    expect(response.statusCode).toBe(415);
    await stillAnswers();
  });

  it('answers 404 for an unknown forge', async () => {
    const response = await inject('/webhooks/bitbucket', gitlabHeaders('u'), '{}');
    expect(response.statusCode).toBe(404);
  });
});

describe('health', () => {
  it('is ready only while the worker runs and the store answers', async () => {
    expect((await t.service.app.inject({ url: '/readyz' })).statusCode).toBe(503);
    t.service.worker.start();
    const ready = await t.service.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { store: 'ok', worker: 'ok' } });
  });
});

describe('secrets', () => {
  it('never writes a secret or signature into the logs', async () => {
    const body = JSON.stringify(githubFixture('issues.opened'));
    const headers = await githubHeaders('issues', body, 'log-1');
    await inject('/webhooks/github', headers, body);
    await inject('/webhooks/github', await githubHeaders('issues', body, 'log-2', 'wrong'), body);
    await inject('/webhooks/gitlab', gitlabHeaders('log-3'), JSON.stringify(gitlabIssueHook()));
    const all = t.logs.join('\n');
    expect(all).toContain('log-1');
    for (const secret of [GITHUB_SECRET, GITLAB_SECRET, headers['x-hub-signature-256']])
      expect(all).not.toContain(secret);
  });
});

describe('intake outcomes on /metrics/service', () => {
  it('counts each answer by forge and outcome', async () => {
    const issue = JSON.stringify(gitlabIssueHook());
    await inject('/webhooks/gitlab', gitlabHeaders('m1'), issue);
    await inject('/webhooks/gitlab', gitlabHeaders('m1'), issue);
    await inject('/webhooks/gitlab', gitlabHeaders('m2', 'Push Hook'), '{"object_kind":"push"}');
    await inject('/webhooks/gitlab', gitlabHeaders('m3'), '{not json');
    await inject('/webhooks/gitlab', gitlabHeaders('m4', 'Issue Hook', 'not-the-secret'), issue);
    const body = JSON.stringify(githubFixture('issues.opened'));
    (t.service.store as unknown as { db: { pragma(s: string): void } }).db.pragma('query_only = ON');
    await inject('/webhooks/github', await githubHeaders('issues', body, 'm5'), body);
    (t.service.store as unknown as { db: { pragma(s: string): void } }).db.pragma('query_only = OFF');

    const scraped = await t.service.app.inject({ method: 'GET', url: '/metrics/service' });
    expect(scraped.statusCode).toBe(200);
    expect(scraped.headers['content-type']).toContain('text/plain');
    const counted = Object.fromEntries(
      [...scraped.body.matchAll(/^boardkeeper_deliveries_total\{forge="(\w+)",outcome="(\w+)"\} (\d+)$/gm)].map((m) => [
        `${m[1]} ${m[2]}`,
        Number(m[3]),
      ]),
    );
    expect(counted).toEqual({
      'gitlab stored': 1,
      'gitlab duplicate': 1,
      'gitlab ignored': 1,
      'gitlab invalid': 1,
      'gitlab unauthorised': 1,
      'github store_unavailable': 1,
    });
  });
});
