import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, type ConfigInput } from '../../../src/config/schema.js';
import type { AuditEntry } from '../../../src/domain/types.js';
import { createLocalEngine, type LocalEngine } from '../../../src/engine/local.js';
import type { JobName } from '../../../src/engine/jobs.js';
import { createWebhooks } from '../../../src/forges/forge-webhooks.js';
import { createLogger } from '../../../src/logger.js';
import { createService, type Service } from '../../../src/service.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import type { Delivery } from '../../../src/store/store.js';
import { eventually } from '../../support/service.js';
import { engagementInDeployment, seedEngagements } from '../../support/sweep-board.js';
import { recordingAlerter, recordingForge } from '../sweep/fake-forge.js';

const log = createLogger({ level: 'silent' });

let dir: string;
let store: SqliteStore;
let engine: LocalEngine | null = null;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bk-local-engine-'));
  store = new SqliteStore({ path: join(dir, 'db') });
  await store.migrate();
});
afterEach(async () => {
  await engine?.stop();
  engine = null;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function start(input: ConfigInput, jobs: readonly JobName[]) {
  const config = configSchema.parse(input);
  engine = createLocalEngine({
    config,
    store,
    webhooks: createWebhooks(config),
    clients: { gitlab: null, github: null },
    log,
    jobs,
    firstCheckWithinMs: 0,
  });
  engine.start();
}

const delivery = (id: string, key: string): Delivery => ({
  id,
  forge: 'gitlab',
  event: 'Issue Hook.update',
  orderingKey: key,
  headers: {},
  body: '{}',
  receivedAt: new Date().toISOString(),
});

describe('the in-process engine runs the prune job', () => {
  it('prunes done deliveries older than retainDoneDays when it starts', async () => {
    await store.enqueue({ ...delivery('ancient', 'k'), receivedAt: '2020-01-01T00:00:00.000Z' });
    await store.enqueue(delivery('recent', 'j'));
    for (const row of await store.claim(10, 'setup', 60_000)) await store.complete(row.seq, 'setup', {});
    start({ worker: { retainDoneDays: 30 } }, ['prune']);
    await eventually(async () => (await store.inboxCounts()).done === 1, 'the ancient delivery pruned');
    expect((await store.listInbox('done', 10)).map((row) => row.id)).toEqual(['recent']);
  });

  it('prunes audit entries older than audit.retainDays in the same job, and keeps them all at 0', async () => {
    const entry = (iid: number, at: string): AuditEntry => ({
      at,
      deliveryId: null,
      forge: 'gitlab',
      project: '42',
      iid,
      action: 'labels',
      detail: {},
      result: 'applied',
      apiCalls: 1,
      latencyMs: 1,
    });
    await store.recordAudit([entry(1, '2020-01-01T00:00:00.000Z'), entry(2, new Date().toISOString())]);
    start({ worker: { retainDoneDays: 0 }, audit: { retainDays: 0 } }, ['prune']);
    await engine!.stop();
    expect(await store.audit({ limit: 10 })).toHaveLength(2);

    start({ worker: { retainDoneDays: 0 }, audit: { retainDays: 180 } }, ['prune']);
    await eventually(async () => (await store.audit({ limit: 10 })).length === 1, 'the old audit entry pruned');
    expect((await store.audit({ limit: 10 }))[0]?.iid).toBe(2);
  });
});

describe('the in-process service runs the sweep when asked', () => {
  let service: Service | null = null;
  afterEach(async () => {
    // Closing the service closes the store too: the outer afterEach must not close it again.
    await service?.close();
    service = null;
    store = new SqliteStore({ path: join(dir, 'db') });
  });

  it('sweeps once soon after start; the report reaches the service metrics', async () => {
    await seedEngagements(store, [
      engagementInDeployment(1, 25, Date.now()),
      engagementInDeployment(2, 40, Date.now()),
    ]);
    const forge = recordingForge();
    const config = configSchema.parse({});
    service = await createService({
      config,
      store,
      log,
      clients: { gitlab: forge.client, github: null },
      alerter: recordingAlerter(),
      jobs: ['sweep'],
    });
    service.worker.start();
    const sweepRuns = async () =>
      (await service!.metrics.exposition()).body.match(/^boardkeeper_sweep_runs_total (\d+)$/m)?.[1];
    await eventually(async () => (await sweepRuns()) === '1', 'one sweep recorded in the service metrics');
    expect(forge.calls.sort()).toEqual([
      'comment gitlab:42#1 <!-- boardkeeper:sla -->',
      'comment gitlab:42#2 <!-- boardkeeper:sla -->',
      'labels gitlab:42#1 +sla::at-risk -',
      'labels gitlab:42#2 +sla::breached -',
    ]);
    expect(await store.getCursor('sweep.finishedAt')).not.toBeNull();
  });
});
