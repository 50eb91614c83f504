import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ERROR_CODE_HEADER, HTTP_ERRORS, type HttpErrorCode } from '../../../src/http/errors.js';
import { StoreUnavailableError } from '../../../src/store/store.js';
import { githubFixture } from '../../support/payloads.js';
import { startTestService, type TestService } from '../../support/service.js';
import { githubHeaders } from '../../support/signing.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const DOCS = readFileSync(join(ROOT, 'docs', 'http-errors.md'), 'utf8');
const TOKEN = 'errors-test-token';
const BODY_LIMIT = 64 * 1024;

describe('docs/http-errors.md', () => {
  const documented = [...DOCS.matchAll(/^\| `(BK_[A-Z_]+)` \| (\d{3}) \|/gm)].map(([, code, status]) => [
    code,
    Number(status),
  ]);

  it('documents every code with its status, and no code that does not exist', () => {
    const table = Object.entries(HTTP_ERRORS).map(([code, { status }]) => [code, status]);
    expect(documented.sort()).toEqual(table.sort());
  });
});

describe('the sources', () => {
  // The simulator imitates the forges' own error answers, which carry no code of ours.
  const IMITATES_FORGES = join('src', 'demo', 'simulator');

  it('answer an error status only through src/http/errors.ts', () => {
    const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
      .map((path) => join('src', path))
      .filter(
        (path) =>
          path.endsWith('.ts') && !path.startsWith(IMITATES_FORGES) && path !== join('src', 'http', 'errors.ts'),
      );
    const bypassing = files.filter((path) =>
      /\.(code|status)\(\s*[45]\d\d\b/.test(readFileSync(join(ROOT, path), 'utf8')),
    );
    expect(bypassing).toEqual([]);
  });
});

/** Routes a new room could add: one that fails unexpectedly, one that takes a JSON body. */
const probeRoutes: FastifyPluginAsync = async (app) => {
  app.get('/probe/fails', async () => {
    throw new Error('secret internals');
  });
  app.post('/probe/json', async (request) => ({ got: request.body }));
};

let t: TestService;
beforeAll(async () => {
  t = await startTestService({
    config: { metricsToken: TOKEN, server: { bodyLimitBytes: BODY_LIMIT } },
    routes: [probeRoutes],
  });
});
afterAll(async () => {
  await t.cleanup();
});

const authorised = { authorization: `Bearer ${TOKEN}` };
const get = (url: string, headers: Record<string, string> = authorised) =>
  t.service.app.inject({ method: 'GET', url, headers });
const post = (url: string, headers: Record<string, string>, payload: string) =>
  t.service.app.inject({ method: 'POST', url, headers, payload });

async function signedGithub(payload: unknown, secret?: string) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return post('/webhooks/github', await githubHeaders('issues', body, 'errors-1', secret), body);
}

/** One real request per code; being a Record, a code added without a request here does not compile. */
const ANSWERS: Record<HttpErrorCode, () => Promise<LightMyRequestResponse>> = {
  BK_WEBHOOK_UNKNOWN_FORGE: () => post('/webhooks/bitbucket', { 'content-type': 'application/json' }, '{}'),
  BK_WEBHOOK_BAD_SIGNATURE: () => signedGithub(githubFixture('issues.opened'), 'not-the-secret'),
  BK_WEBHOOK_INVALID_JSON: () => signedGithub('{"action": '),
  BK_WEBHOOK_PAYLOAD_REJECTED: () => {
    const payload = githubFixture('issues.opened');
    payload.issue.number = 'not-a-number';
    return signedGithub(payload);
  },
  BK_STORE_UNAVAILABLE: async () => {
    const enqueue = vi
      .spyOn(t.service.store, 'enqueue')
      .mockRejectedValueOnce(new StoreUnavailableError('store: down'));
    try {
      return await signedGithub(githubFixture('issues.opened'));
    } finally {
      enqueue.mockRestore();
    }
  },
  // The worker is not started in this service, so it is not ready.
  BK_NOT_READY: () => get('/readyz', {}),
  BK_UNAUTHORIZED: () => get('/metrics', {}),
  BK_METRICS_BAD_QUERY: () => get('/metrics?state=pending'),
  BK_METRICS_ISSUE_NOT_FOUND: () => get('/metrics/issues/gitlab/group%2Fproject/404'),
  BK_AUDIT_BAD_QUERY: () => get('/audit?limit=zero'),
  BK_DASHBOARD_BAD_QUERY: () => get('/dashboard?period=1w'),
  BK_NOT_FOUND: () => get('/no/such/route'),
  BK_BODY_TOO_LARGE: () => signedGithub({ padding: 'x'.repeat(BODY_LIMIT) }),
  BK_UNSUPPORTED_MEDIA_TYPE: () => post('/webhooks/gitlab', { 'content-type': 'text/plain' }, 'hello'),
  BK_BAD_REQUEST: () => post('/probe/json', { 'content-type': 'application/json' }, ''),
  BK_INTERNAL: () => get('/probe/fails'),
};

describe('every error answer', () => {
  it.each(Object.entries(ANSWERS))(
    '%s: its status, with the code in the header and in a JSON body',
    async (code, answer) => {
      const response = await answer();
      expect(response.statusCode).toBe(HTTP_ERRORS[code as HttpErrorCode].status);
      expect(response.headers[ERROR_CODE_HEADER]).toBe(code);
      if (code === 'BK_DASHBOARD_BAD_QUERY') expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      else expect(response.json().code).toBe(code);
    },
  );

  it('keeps what each answered before: its reason, details and headers', async () => {
    expect((await ANSWERS.BK_WEBHOOK_UNKNOWN_FORGE()).json()).toEqual({
      error: "unknown forge 'bitbucket'",
      code: 'BK_WEBHOOK_UNKNOWN_FORGE',
    });
    expect((await ANSWERS.BK_WEBHOOK_PAYLOAD_REJECTED()).json()).toMatchObject({
      error: 'payload rejected',
      detail: expect.stringMatching(/^issue\.number: /),
    });
    expect((await ANSWERS.BK_STORE_UNAVAILABLE()).headers['retry-after']).toBe('5');
    const unauthorised = await ANSWERS.BK_UNAUTHORIZED();
    expect(unauthorised.headers['www-authenticate']).toBe('Bearer');
    expect(unauthorised.json()).toEqual({ error: 'unauthorized', code: 'BK_UNAUTHORIZED' });
    expect((await ANSWERS.BK_METRICS_BAD_QUERY()).json()).toMatchObject({ error: 'bad_request', parameter: 'state' });
    expect((await ANSWERS.BK_NOT_READY()).json()).toEqual({
      status: 'not ready',
      checks: { store: 'ok', worker: 'stopped' },
      code: 'BK_NOT_READY',
    });
    expect((await ANSWERS.BK_BAD_REQUEST()).json()).toEqual({
      error: 'FST_ERR_CTP_EMPTY_JSON_BODY',
      code: 'BK_BAD_REQUEST',
    });
  });

  it('answers a path that does not decode like any other refusal, without quoting it', async () => {
    const response = await get('/webhooks/%ZZ-secret-path');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'FST_ERR_BAD_URL', code: 'BK_BAD_REQUEST' });
    expect(response.headers[ERROR_CODE_HEADER]).toBe('BK_BAD_REQUEST');
  });

  it('says nothing of an unexpected failure but that it happened', async () => {
    const response = await ANSWERS.BK_INTERNAL();
    expect(response.json()).toEqual({ error: 'internal error', code: 'BK_INTERNAL' });
    expect(response.body).not.toContain('secret internals');
  });
});
