import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../../src/store/postgres.js';
import { runSchema, TEST_DATABASE_URL, type RunSchema } from '../support/postgres.js';
import {
  expectedStageChains,
  issueWorkload,
  sendWorkload,
  stageChains,
  startReplica,
  stopReplica,
  writeReplicaConfig,
  type Replica,
} from '../support/replicas.js';
import { eventually } from '../support/service.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const ISSUES = 30;
const EVENTS_PER_ISSUE = 20;
const TOTAL = ISSUES * EVENTS_PER_ISSUE;

/**
 * The replicas reach PostgreSQL through a TCP proxy that the test cuts and restores: to them that
 * is a database restart (every connection dropped, new ones refused, then back), while the shared
 * cluster that other test files use in parallel keeps running.
 */
describe('a database outage in the middle of intake', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bk-outage-'));
  let run: RunSchema;
  let proxy: TcpProxy;
  let replicas: Replica[] = [];
  let store: PostgresStore;

  beforeAll(async () => {
    run = await runSchema('outage');
    proxy = await startTcpProxy(Number(new URL(TEST_DATABASE_URL).port || 5432));
    const viaProxy = new URL(TEST_DATABASE_URL);
    viaProxy.port = String(proxy.port);
    const env = { DATABASE_URL: run.databaseUrl(viaProxy.toString()) };
    const configPath = writeReplicaConfig(dir);
    replicas = await Promise.all([startReplica({ configPath, env }), startReplica({ configPath, env })]);
    store = run.observe();
  });
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => stopReplica(replica)));
    await store?.close();
    await proxy?.close();
    await run?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const readiness = (replica: Replica) =>
    fetch(`http://127.0.0.1:${replica.port}/readyz`).then(async (response) => ({
      status: response.status,
      body: (await response.json()) as { checks: Record<string, string> },
    }));

  it('answers 503 and not ready while the database is gone, recovers by itself, and loses no acknowledged delivery', async () => {
    const workload = issueWorkload(ISSUES, EVENTS_PER_ISSUE, 'outage');
    let outage: Promise<void> | undefined;
    const observed: { status: number; body: { checks: Record<string, string> } }[] = [];
    const intakeStatuses: number[] = [];

    const sending = sendWorkload(workload, () => replicas.map((replica) => replica.port), {
      lanes: 10,
      onAcknowledged(count) {
        if (count !== TOTAL / 3) return;
        proxy.cut();
        outage = (async () => {
          observed.push(await readiness(replicas[0]!));
          const [item] = issueWorkload(1, 1, 'during-outage')[0]!;
          const response = await fetch(`http://127.0.0.1:${replicas[1]!.port}/webhooks/gitlab`, {
            method: 'POST',
            headers: item!.headers,
            body: item!.body,
          });
          intakeStatuses.push(response.status);
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          proxy.restore();
        })();
      },
    });
    const sent = await sending;
    await outage;

    expect(observed).toEqual([
      { status: 503, body: expect.objectContaining({ checks: expect.objectContaining({ store: 'unreachable' }) }) },
    ]);
    expect(intakeStatuses).toEqual([503]);
    expect(sent.retried).toBeGreaterThan(0);
    await eventually(async () => (await readiness(replicas[0]!)).status === 200, 'readiness after the outage');
    expect(replicas.map((replica) => replica.child.exitCode)).toEqual([null, null]);

    await eventually(async () => (await store.inboxCounts()).done === TOTAL, `all ${TOTAL} deliveries done`, 60_000);
    expect(await store.inboxCounts()).toEqual({ queued: 0, processing: 0, done: TOTAL, dead: 0 });
    expect((await store.listInbox('done', TOTAL + 1)).map((row) => row.id).sort()).toEqual(
      [...sent.acknowledged].sort(),
    );
    expect(stageChains(await store.transitions({}), ISSUES)).toEqual(expectedStageChains(workload));
  }, 90_000);
});
