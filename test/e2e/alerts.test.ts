import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createService, type Service } from '../../src/service.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { startAlertReceiver, type AlertReceiver } from '../support/alert-receiver.js';
import { ROOT } from '../support/process.js';
import { eventually, testConfig } from '../support/service.js';
import { gitlabHeaders } from '../support/signing.js';

const ISSUE_HOOK = readFileSync(join(ROOT, 'test/fixtures/gitlab/issue-open-sow-request.json'), 'utf8');

/** A GitLab that refuses every API call with 400, so the first delivery is dead-lettered at once. */
async function refusingGitlab(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    request.resume();
    response
      .writeHead(400, { 'content-type': 'application/json' })
      .end(JSON.stringify({ message: 'label is invalid' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('dead-letter alerts under serve', () => {
  it('the engine thread builds its alerter from config.alerts and alerts a new dead letter once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bk-alerts-e2e-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const gitlab = await refusingGitlab();
    cleanups.push(gitlab.close);
    const receiver: AlertReceiver = await startAlertReceiver();
    cleanups.push(receiver.close);
    const config = testConfig({
      store: { sqlitePath: join(dir, 'bk.db') },
      gitlab: { url: gitlab.url, token: 'glpat-e2e-token-0000' },
      log: { level: 'silent' },
      alerts: {
        publicUrl: 'https://boardkeeper.example.com',
        receivers: [{ name: 'ops', type: 'slack', url: `${receiver.baseUrl}/services/T/B/e2e` }],
      },
    });
    const store = new SqliteStore({ path: config.store.sqlitePath });
    await store.migrate();
    const service: Service = await createService({
      config,
      store,
      log: createLogger({ level: 'silent' }),
      engine: 'thread',
    });
    cleanups.push(() => service.close());
    service.worker.start();

    const response = await service.app.inject({
      method: 'POST',
      url: '/webhooks/gitlab',
      headers: gitlabHeaders('dead-1'),
      payload: ISSUE_HOOK,
    });
    expect(response.statusCode).toBe(202);
    await eventually(() => receiver.received.length > 0, 'the dead-letter alert', 30_000);

    const issue = JSON.parse(ISSUE_HOOK);
    expect(receiver.received).toHaveLength(1);
    const { text } = JSON.parse(receiver.received[0]!.body);
    expect(text).toContain('*Dead letter*');
    expect(text).toContain(`${issue.project.id}#${issue.object_attributes.iid}`);
    expect(text).toContain('Delivery dead-1');
    expect(text).toContain('<https://boardkeeper.example.com/dashboard|Open the dashboard>');
    await eventually(
      async () => (await store.audit({ limit: 50 })).some((entry) => entry.action === 'alert'),
      'the alert audited',
    );
    const audited = (await store.audit({ limit: 50 })).filter((entry) => entry.action === 'alert');
    expect(audited).toMatchObject([
      { forge: 'gitlab', project: String(issue.project.id), iid: issue.object_attributes.iid, result: 'applied' },
    ]);
  });
});
