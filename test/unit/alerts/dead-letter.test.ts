import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/alerts/alert.js';
import { deadLetterIssue } from '../../../src/alerts/dead-letter.js';
import { configSchema } from '../../../src/config/schema.js';
import { Worker } from '../../../src/engine/worker.js';
import { ForgeError } from '../../../src/forges/errors.js';
import { createLogger } from '../../../src/logger.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { ROOT } from '../../support/process.js';
import { eventually } from '../../support/service.js';

const fixture = (path: string) => readFileSync(join(ROOT, 'test/fixtures', path), 'utf8');

describe('the issue of a dead letter', () => {
  it('comes from the ordering key for GitLab, with URL and title from the body', () => {
    expect(
      deadLetterIssue({ forge: 'gitlab', orderingKey: 'gitlab:1#23', body: fixture('gitlab/issue-hook.json') }),
    ).toEqual({
      forge: 'gitlab',
      project: '1',
      iid: 23,
      url: 'http://example.com/diaspora/issues/23',
      title: 'New API: create/update/delete file',
    });
  });

  it('comes from the body for a GitHub issue, and is only a node id for a Projects v2 item', () => {
    expect(
      deadLetterIssue({
        forge: 'github',
        orderingKey: 'github:MDU6SXNzdWU0NDQ1MDAwNDE=',
        body: fixture('github/issues.labeled.json'),
      }),
    ).toEqual({
      forge: 'github',
      project: 'Codertocat/Hello-World',
      iid: 1,
      nodeId: 'MDU6SXNzdWU0NDQ1MDAwNDE=',
      url: 'https://github.com/Codertocat/Hello-World/issues/1',
      title: 'Spelling error in the README file',
    });
    expect(
      deadLetterIssue({
        forge: 'github',
        orderingKey: 'github:DI_lADOAWcTxs07G84AIjOy',
        body: fixture('github/projects_v2_item.edited.json'),
      }),
    ).toEqual({
      forge: 'github',
      project: '',
      iid: 0,
      nodeId: 'DI_lADOAWcTxs07G84AIjOy',
    });
  });

  it('survives a body that is not JSON', () => {
    expect(deadLetterIssue({ forge: 'github', orderingKey: 'github:X', body: '{"truncated' })).toEqual({
      forge: 'github',
      project: '',
      iid: 0,
      nodeId: 'X',
    });
  });
});

describe('the worker', () => {
  const settings = configSchema.parse({
    worker: { pollIntervalMs: 5, backoffBaseMs: 1, backoffMaxMs: 5, maxAttempts: 2 },
  }).worker;
  let dir: string;
  let store: SqliteStore;
  let worker: Worker | null = null;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bk-dead-letter-'));
    store = new SqliteStore({ path: join(dir, 'db') });
    await store.migrate();
  });
  afterEach(async () => {
    await worker?.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends one dead-letter alert when it dead-letters a delivery, none for the retries before', async () => {
    const sent: Alert[] = [];
    await store.enqueue({
      id: 'd-1',
      forge: 'gitlab',
      event: 'Issue Hook.update',
      orderingKey: 'gitlab:1#23',
      headers: {},
      body: fixture('gitlab/issue-hook.json'),
      receivedAt: new Date().toISOString(),
    });
    worker = new Worker({
      store,
      settings,
      log: createLogger({ level: 'silent' }),
      alerter: { send: async (alert) => void sent.push(alert) },
      handler: async () => {
        throw new ForgeError('transient', 'GitLab PUT projects/1/issues/23: 502 Bad Gateway', 502);
      },
    });
    worker.start();
    await eventually(async () => (await store.inboxCounts()).dead === 1, 'dead-lettered');
    await eventually(() => sent.length === 1, 'alert sent');
    expect(sent).toEqual([
      {
        kind: 'dead-letter',
        at: expect.any(String),
        issue: {
          forge: 'gitlab',
          project: '1',
          iid: 23,
          url: 'http://example.com/diaspora/issues/23',
          title: 'New API: create/update/delete file',
        },
        summary:
          'Delivery d-1 (Issue Hook.update) was dead-lettered after 2 attempts: GitLab PUT projects/1/issues/23: 502 Bad Gateway',
        details: {
          deliveryId: 'd-1',
          forge: 'gitlab',
          event: 'Issue Hook.update',
          attempts: 2,
          error: 'GitLab PUT projects/1/issues/23: 502 Bad Gateway',
        },
      },
    ]);
  });
});
