/**
 * 10,000+ generated malformed, hostile and valid requests against the real HTTP app (in-process),
 * with the worker running. Seeded: a failure prints the recipe and the seed reproduces it.
 */
import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ERRORS, type HttpErrorCode } from '../../src/http/errors.js';
import { gitlabIssueHook } from '../support/payloads.js';
import { eventually, startTestService, type TestService } from '../support/service.js';
import { gitlabHeaders } from '../support/signing.js';
import {
  leakedSecrets,
  recipe,
  RequestFactory,
  SECRET_CONFIG,
  SECRETS,
  statusAttempt,
  statusRecipe,
  type Attempt,
  type Recipe,
  type StatusRecipe,
} from './hostile-requests.js';

const SEED = 20_240_901;
const RUNS = 10_000;
const BODY_LIMIT = 64 * 1024;

let t: TestService;
/** Secrets found in any response so far (checked as they come, so responses need not be kept). */
const leaksInResponses = new Set<string>();
beforeAll(async () => {
  // Durability against power loss is not what this suite is about (test/e2e/crash.test.ts is):
  // without the per-batch fsync, 10,000 sequential requests fit the time budget.
  t = await startTestService({
    config: {
      ...SECRET_CONFIG,
      server: { bodyLimitBytes: BODY_LIMIT },
      store: { sqliteSynchronous: 'normal' },
      log: { level: 'info' },
    },
  });
  t.service.worker.start();
});
afterAll(async () => {
  await t.cleanup();
});

async function send(attempt: Pick<Attempt, 'url' | 'headers' | 'body'>) {
  const response = await t.service.app.inject({
    method: 'POST',
    url: attempt.url,
    headers: attempt.headers,
    payload: attempt.body,
  });
  leakedSecrets(`${JSON.stringify(response.headers)} ${response.body}`).forEach((name) => leaksInResponses.add(name));
  return response;
}

// A full collection before each reading, so the heap compared is what is still referenced.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const heapUsed = () => {
  collectGarbage();
  return process.memoryUsage().heapUsed;
};

const digest = (body: string) => createHash('sha256').update(body).digest('hex');

async function processedOnce(): Promise<Map<string, number>> {
  await eventually(
    async () => {
      const counts = await t.service.store.inboxCounts();
      return counts.queued === 0 && counts.processing === 0;
    },
    'the worker to drain the inbox',
    30_000,
  );
  const perDelivery = new Map<string, number>();
  for (const line of t.logs.join('').split('\n')) {
    if (!line.includes('"msg":"delivery processed"')) continue;
    const id = (JSON.parse(line) as { deliveryId: string }).deliveryId;
    perDelivery.set(id, (perDelivery.get(id) ?? 0) + 1);
  }
  return perDelivery;
}

describe('intake under generated bad input', () => {
  const stored = new Map<string, string>();
  const perKind = new Map<Recipe['kind'], number>();

  it(`answers ${RUNS} generated requests with the documented status for each class, never a 5xx`, async () => {
    const factory = new RequestFactory('bad-input', BODY_LIMIT);
    const heapBefore = heapUsed();
    await fc.assert(
      fc.asyncProperty(recipe, async (generated) => {
        const attempt = await factory.build(generated);
        const response = await send(attempt);
        perKind.set(attempt.kind, (perKind.get(attempt.kind) ?? 0) + 1);
        expect(response.statusCode, `${attempt.kind}: ${response.body}`).toBe(attempt.expected.status);
        if (attempt.expected.answer)
          expect(attempt.expected.answer(response.json()), `${attempt.kind}: ${response.body}`).toBe(true);
        // Every refusal carries a code from the table, whose status is the one answered.
        if (response.statusCode >= 400)
          expect(HTTP_ERRORS[response.json().code as HttpErrorCode]?.status, `${attempt.kind}: ${response.body}`).toBe(
            response.statusCode,
          );
        if (response.statusCode === 202) stored.set(response.json().id, digest(attempt.body));
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // Every class was exercised often enough to mean something.
    expect([...perKind.keys()].sort()).toEqual([
      'bad-auth',
      'bad-json',
      'content-type',
      'deep',
      'ignored',
      'missing-header',
      'replay',
      'too-large',
      'unicode',
      'unknown-route',
      'valid',
      'wrong-type',
    ]);
    expect(Math.min(...perKind.values())).toBeGreaterThan(RUNS / 30);
    // Generous: the log lines kept for the leak check alone take several MB.
    expect(heapUsed() - heapBefore).toBeLessThan(64 * 1024 * 1024);
  }, 120_000);

  it('processes every stored delivery exactly once, none dead-lettered, bodies kept byte for byte', async () => {
    const perDelivery = await processedOnce();
    const counts = await t.service.store.inboxCounts();
    expect(counts.dead).toBe(0);
    expect(counts.done).toBe(stored.size);
    expect([...stored.keys()].filter((id) => perDelivery.get(id) !== 1)).toEqual([]);
    const done = await t.service.store.listInbox('done', stored.size);
    expect(done.filter((row) => digest(row.body) !== stored.get(row.id)).map((row) => row.id)).toEqual([]);
  }, 60_000);

  it('answers 503 while the store cannot write, then takes the same delivery', async () => {
    const body = JSON.stringify(gitlabIssueHook({ iid: 99 }));
    const db = (t.service.store as unknown as { db: { pragma(sql: string): void } }).db;
    db.pragma('query_only = ON');
    try {
      const refused = await send({ url: '/webhooks/gitlab', headers: gitlabHeaders('after-outage'), body });
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBeDefined();
    } finally {
      db.pragma('query_only = OFF');
    }
    const accepted = await send({ url: '/webhooks/gitlab', headers: gitlabHeaders('after-outage'), body });
    expect(accepted.statusCode).toBe(202);
  });

  it('still accepts and processes a normal delivery afterwards', async () => {
    const response = await send({
      url: '/webhooks/gitlab',
      headers: gitlabHeaders('normal-after'),
      body: JSON.stringify(gitlabIssueHook({ iid: 100 })),
    });
    expect(response.statusCode).toBe(202);
    expect((await processedOnce()).get('normal-after')).toBe(1);
    expect((await t.service.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it('never puts a webhook secret, forge token or metrics token into a log line or a response', () => {
    expect(t.logs.length).toBeGreaterThan(RUNS / 10);
    expect(leakedSecrets(t.logs.join(''))).toEqual([]);
    expect([...leaksInResponses]).toEqual([]);
  });
});

describe('status links under generated bad input', () => {
  const STATUS_RUNS = 3_000;
  const grant = {
    issue: { forge: 'gitlab' as const, project: 'status/probe', iid: 1 },
    expiresAt: new Date(Date.now() + 86_400_000),
  };

  it(`answers ${STATUS_RUNS} generated bad links with the same bare 404 as an unknown route (or the router's refusal of an undecodable path), never a page or a 5xx`, async () => {
    await t.service.store.recordTransitions([
      {
        ...grant.issue,
        from: null,
        to: 'deployment',
        at: new Date(Date.now() - 86_400_000).toISOString(),
        actor: 'alice',
        source: 'webhook',
        kind: 'sow-request',
        segment: null,
      },
    ]);
    const page = await t.service.app.inject({
      url: statusAttempt({ kind: 'extended', suffix: '' }, grant, SECRETS.statusSecret, new Date()).url,
    });
    // The one valid link opens the page: the refusals below are not a route that refuses everything.
    expect(page.statusCode).toBe(200);
    const notFound = await t.service.app.inject({ url: '/no-such-route' });
    // A path that does not decode never reaches the route: the router refuses it, alike for every path.
    const undecodable = await t.service.app.inject({ url: '/no-such-route%ZZ' });
    expect(undecodable.statusCode).toBe(400);
    const perKind = new Map<StatusRecipe['kind'], number>();
    await fc.assert(
      fc.asyncProperty(statusRecipe, async (generated) => {
        const { method, url } = statusAttempt(generated, grant, SECRETS.statusSecret, new Date());
        const response = await t.service.app.inject({ method, url });
        perKind.set(generated.kind, (perKind.get(generated.kind) ?? 0) + 1);
        leakedSecrets(`${JSON.stringify(response.headers)} ${response.body}`).forEach((name) =>
          leaksInResponses.add(name),
        );
        const expected = generated.kind === 'malformed-escape' ? undecodable : notFound;
        expect(response.statusCode, `${generated.kind} ${method} ${url.slice(0, 200)}`).toBe(expected.statusCode);
        expect(response.body, `${generated.kind} ${url.slice(0, 200)}`).toBe(expected.body);
        if (method === 'GET' && expected === notFound)
          expect(response.headers['x-robots-tag'], url.slice(0, 200)).toMatch(/^noindex/);
      }),
      { seed: SEED, numRuns: STATUS_RUNS, endOnFailure: true },
    );
    expect(perKind.size).toBe(10);
    expect(Math.min(...perKind.values())).toBeGreaterThan(STATUS_RUNS / 30);
    expect([...leaksInResponses]).toEqual([]);
  }, 60_000);
});

describe('a GitLab delivery without an id whose body nests very deeply', () => {
  it('is stored under a digest of the received bytes instead of failing with 500', async () => {
    const deep = await startTestService();
    try {
      const depth = 100_000;
      const body = `${JSON.stringify(gitlabIssueHook({ iid: 4 })).slice(0, -1)},"nested":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      const { 'x-gitlab-event-uuid': _none, ...headers } = gitlabHeaders('unused');
      const response = await deep.service.app.inject({
        method: 'POST',
        url: '/webhooks/gitlab',
        headers,
        payload: body,
      });
      expect(response.statusCode).toBe(202);
      const again = await deep.service.app.inject({ method: 'POST', url: '/webhooks/gitlab', headers, payload: body });
      expect(again.json()).toEqual({ duplicate: true, id: response.json().id });
    } finally {
      await deep.cleanup();
    }
  });
});
