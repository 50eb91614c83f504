import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../src/http/openapi/document.js';
import { signStatusToken } from '../../../src/status/token.js';
import { BOARD_NOW } from '../../support/board-history.js';
import { githubFixture, gitlabIssueHook } from '../../support/payloads.js';
import { startTestService, type TestService } from '../../support/service.js';
import { githubHeaders, gitlabHeaders } from '../../support/signing.js';
import { SHOWN, STATUS_SECRET, seedStatusBoard } from '../../support/status-board.js';

// biome-ignore lint/suspicious/noExplicitAny: the test walks the OpenAPI document, an untyped JSON tree
type Json = Record<string, any>;
type Method = 'GET' | 'POST';

interface Call {
  method: Method;
  /** The documented path the URL is an instance of. */
  path: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

const BODY_LIMIT = 64 * 1024;
const statusToken = signStatusToken(
  {
    issue: { forge: 'gitlab', project: 'ps/engagements', iid: SHOWN.iid },
    expiresAt: new Date(Date.now() + 86_400_000),
  },
  STATUS_SECRET,
);
const gitlabBody = JSON.stringify(gitlabIssueHook({ iid: 7 }));
const githubIssue = JSON.stringify(githubFixture('issues.opened'));
const githubPing = JSON.stringify(githubFixture('ping.event'));

let test: TestService;
let document: Json;
const exercised = new Set<string>();

beforeAll(async () => {
  test = await startTestService({
    config: { status: { secret: STATUS_SECRET }, server: { bodyLimitBytes: BODY_LIMIT } },
    now: () => new Date(BOARD_NOW),
  });
  await seedStatusBoard(test.service.store);
  document = openApiDocument(test.config);
});
afterAll(async () => test.cleanup());

/** Validates `body` against a schema of the document, its component references resolved. */
function validate(schema: Json, body: unknown): string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const check = ajv.compile({ ...schema, components: document.components });
  return check(body)
    ? []
    : (check.errors ?? []).map(
        (error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`,
      );
}

/** Makes the call and holds its answer to the operation's description: a documented status, a documented type, a matching body. */
async function conforms(call: Call): Promise<{ status: number; body: string }> {
  const response = await test.service.app.inject({
    method: call.method,
    url: call.url,
    headers: call.headers,
    payload: call.body,
  });
  const operation = document.paths[call.path]?.[call.method.toLowerCase()];
  expect(operation, `${call.method} ${call.path} is described`).toBeDefined();
  exercised.add(`${call.method} ${call.path}`);
  const described = operation.responses[String(response.statusCode)];
  expect(
    described,
    `${call.method} ${call.url} answered ${response.statusCode}: ${response.body.slice(0, 300)}`,
  ).toBeDefined();
  if (!described.content) return { status: response.statusCode, body: response.body };
  const mediaType = String(response.headers['content-type']).split(';')[0]!;
  expect(Object.keys(described.content), `${call.method} ${call.url} ${response.statusCode}`).toContain(mediaType);
  if (mediaType === 'application/json') {
    expect(
      validate(described.content[mediaType].schema, response.json()),
      `${call.method} ${call.url} ${response.statusCode}`,
    ).toEqual([]);
  }
  return { status: response.statusCode, body: response.body };
}

const get = (path: string, url = path, headers?: Record<string, string>): Call => ({
  method: 'GET',
  path,
  url,
  headers,
});

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(document as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('is served at /openapi.json', async () => {
    const { body } = await conforms(get('/openapi.json'));
    expect(JSON.parse(body)).toEqual(document);
  });

  it('describes the metrics answers: JSON, Prometheus, CSV, one issue, and the refusals', async () => {
    expect((await conforms(get('/metrics'))).status).toBe(200);
    expect((await conforms(get('/metrics', '/metrics?segment=mm&state=open&limit=2'))).status).toBe(200);
    expect((await conforms(get('/metrics', '/metrics?format=csv'))).status).toBe(200);
    expect((await conforms(get('/metrics', '/metrics', { accept: 'text/plain' }))).status).toBe(200);
    expect((await conforms(get('/metrics', '/metrics?kind=a%20b'))).status).toBe(400);
    expect((await conforms(get('/metrics', '/metrics?colour=blue'))).status).toBe(400);
    const issue = '/metrics/issues/{forge}/{project}/{iid}';
    // Running (with a forecast), finished, a sales issue.
    for (const iid of [SHOWN.iid, 101, 203])
      expect((await conforms(get(issue, `/metrics/issues/gitlab/ps%2Fengagements/${iid}`))).status).toBe(200);
    expect((await conforms(get(issue, '/metrics/issues/gitlab/nothing/1'))).status).toBe(404);
    expect((await conforms(get(issue, '/metrics/issues/gitlub/x/1'))).status).toBe(400);
    expect((await conforms(get('/metrics/service'))).status).toBe(200);
  });

  it('describes the dashboard, its issue links and assets, and the status page', async () => {
    expect((await conforms(get('/dashboard'))).status).toBe(200);
    expect((await conforms(get('/dashboard', '/dashboard?period=1w'))).status).toBe(400);
    expect(
      (
        await conforms(
          get('/dashboard/issues/{forge}/{project}/{iid}', '/dashboard/issues/gitlab/ps%2Fengagements/112'),
        )
      ).status,
    ).toBe(302);
    expect(
      (await conforms(get('/dashboard/issues/{forge}/{project}/{iid}', '/dashboard/issues/gitlub/x/1'))).status,
    ).toBe(404);
    for (const name of ['dashboard.css', 'dashboard.js', 'icon.svg'])
      expect((await conforms(get('/dashboard/assets/{name}', `/dashboard/assets/${name}`))).status).toBe(200);
    expect((await conforms(get('/dashboard/assets/{name}', '/dashboard/assets/nope.css'))).status).toBe(404);
    expect((await conforms(get('/status/{token}', `/status/${statusToken}`))).status).toBe(200);
    expect((await conforms(get('/status/{token}', `/status/${statusToken.slice(0, -2)}`))).status).toBe(404);
  });

  it('describes the webhook answers of both forges', async () => {
    const gitlab = (headers: Record<string, string>, body = gitlabBody): Call => ({
      method: 'POST',
      path: '/webhooks/gitlab',
      url: '/webhooks/gitlab',
      headers,
      body,
    });
    expect((await conforms(gitlab(gitlabHeaders('openapi-1')))).status).toBe(202);
    expect((await conforms(gitlab(gitlabHeaders('openapi-1')))).status).toBe(200);
    expect((await conforms(gitlab(gitlabHeaders('openapi-2', 'Push Hook')))).status).toBe(200);
    expect((await conforms(gitlab(gitlabHeaders('openapi-3', 'Issue Hook', 'wrong-secret')))).status).toBe(401);
    expect((await conforms(gitlab(gitlabHeaders('openapi-4'), '{"object_kind": '))).status).toBe(400);
    expect((await conforms(gitlab(gitlabHeaders('openapi-5'), JSON.stringify({ object_kind: 'issue' })))).status).toBe(
      400,
    );
    expect((await conforms(gitlab({ ...gitlabHeaders('openapi-6'), 'content-type': 'text/plain' }))).status).toBe(415);
    expect(
      (await conforms(gitlab(gitlabHeaders('openapi-7'), JSON.stringify({ padding: 'x'.repeat(BODY_LIMIT) })))).status,
    ).toBe(413);
    const github = async (event: string, body: string, delivery: string, secret?: string): Promise<Call> => ({
      method: 'POST',
      path: '/webhooks/github',
      url: '/webhooks/github',
      headers: await githubHeaders(event, body, delivery, secret),
      body,
    });
    expect((await conforms(await github('issues', githubIssue, 'openapi-8'))).status).toBe(202);
    expect((await conforms(await github('ping', githubPing, 'openapi-9'))).status).toBe(200);
    expect((await conforms(await github('issues', githubIssue, 'openapi-10', 'another-secret'))).status).toBe(401);
  });

  it('describes health, readiness and the audit log, before and after the worker runs', async () => {
    expect((await conforms(get('/healthz'))).status).toBe(200);
    expect((await conforms(get('/readyz'))).status).toBe(503);
    test.service.worker.start();
    expect((await conforms(get('/readyz'))).status).toBe(200);
    await test.service.store.recordAudit([
      {
        at: new Date(BOARD_NOW).toISOString(),
        deliveryId: 'openapi-1',
        forge: 'gitlab',
        project: 'ps/engagements',
        iid: 112,
        action: 'labels',
        detail: { add: ['stage::deployment'] },
        result: 'planned',
        apiCalls: 0,
        latencyMs: 0,
      },
      {
        at: new Date(BOARD_NOW).toISOString(),
        deliveryId: null,
        forge: 'gitlab',
        project: 'ps/engagements',
        iid: 113,
        action: 'alert',
        detail: null,
        result: 'failed',
        apiCalls: 3,
        latencyMs: 12.5,
      },
    ]);
    const { body } = await conforms(get('/audit', '/audit?forge=gitlab&limit=5'));
    expect(JSON.parse(body).entries.length).toBeGreaterThan(0);
    expect((await conforms(get('/audit', '/audit?limit=0'))).status).toBe(400);
  });

  it('was held to a real answer for every operation it describes', () => {
    const described = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations as Json).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(described.filter((operation) => !exercised.has(operation))).toEqual([]);
  });

  it('fails an answer that does not match its description', () => {
    const schema = document.paths['/healthz'].get.responses['200'].content['application/json'].schema;
    expect(validate(schema, { status: 'ok' })).toEqual([]);
    expect(validate(schema, { status: 'ok', extra: 1 })).not.toEqual([]);
    const report = document.paths['/metrics'].get.responses['200'].content['application/json'].schema;
    expect(validate(report, { version: 1 })).not.toEqual([]);
  });
});
