import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Transition } from '../../src/domain/types.js';
import type { PostgresStore } from '../../src/store/postgres.js';
import { runSchema, type RunSchema } from '../support/postgres.js';
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

const ISSUES = 100;
const EVENTS_PER_ISSUE = 30;
const TOTAL = ISSUES * EVENTS_PER_ISSUE;
const KILL_AFTER_ACKNOWLEDGED = 1_000;
const CONCURRENCY = 8;

describe('three replicas sharing one PostgreSQL database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bk-replicas-'));
  const configPath = writeReplicaConfig(dir, { concurrency: CONCURRENCY });
  const schemas: RunSchema[] = [];
  const started: Replica[] = [];
  const workload = issueWorkload(ISSUES, EVENTS_PER_ISSUE, 'e2e');

  async function startReplicas(count: number): Promise<{ replicas: Replica[]; store: PostgresStore }> {
    const run = await runSchema('e2e');
    schemas.push(run);
    const env = { DATABASE_URL: run.databaseUrl() };
    const replicas = await Promise.all(Array.from({ length: count }, () => startReplica({ configPath, env })));
    started.push(...replicas);
    return { replicas, store: run.observe() };
  }

  const drained = (store: PostgresStore) =>
    eventually(async () => (await store.inboxCounts()).done === TOTAL, `all ${TOTAL} deliveries done`, 60_000);

  afterAll(async () => {
    await Promise.all(started.map((replica) => stopReplica(replica)));
    for (const run of schemas) await run.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('processes every acknowledged delivery once and each issue in order while one replica is SIGKILLed, like one replica does', async () => {
    // The single-replica reference run gets the same input at the same time, on its own schema.
    const [cluster, single] = await Promise.all([startReplicas(3), startReplicas(1)]);
    const { replicas, store } = cluster;
    const victim = replicas[1]!;
    let live = replicas.map((replica) => replica.port);
    const [sent] = await Promise.all([
      sendWorkload(workload, () => live, {
        lanes: 30,
        onAcknowledged(count) {
          if (count !== KILL_AFTER_ACKNOWLEDGED) return;
          live = live.filter((port) => port !== victim.port);
          victim.child.kill('SIGKILL');
        },
      }),
      sendWorkload(workload, () => [single.replicas[0]!.port], { lanes: 30 }),
    ]);
    expect(sent.acknowledged).toHaveLength(TOTAL);
    await Promise.all([drained(store), drained(single.store)]);

    // Stored once each, all done, nothing left claimed by the dead replica.
    expect(await store.inboxCounts()).toEqual({ queued: 0, processing: 0, done: TOTAL, dead: 0 });
    const doneIds = (await store.listInbox('done', TOTAL + 1)).map((row) => row.id);
    expect(doneIds.sort()).toEqual([...sent.acknowledged].sort());

    // No delivery was committed twice. The victim may have died between a commit and its log
    // line, so at most its in-flight deliveries can lack one; the victim did work before dying.
    const processedLines = replicas.flatMap((replica) =>
      replica.logs.filter((line) => line.msg === 'delivery processed').map((line) => String(line.deliveryId)),
    );
    expect(processedLines.length).toBe(new Set(processedLines).size);
    expect(TOTAL - processedLines.length).toBeLessThanOrEqual(CONCURRENCY);
    expect(victim.logs.some((line) => line.msg === 'delivery processed')).toBe(true);
    expect(replicas.filter((replica) => replica !== victim).map((replica) => replica.child.exitCode)).toEqual([
      null,
      null,
    ]);

    // Each issue's events were applied in order: its transitions are exactly its chain of stages…
    const transitions = await store.transitions({});
    expect(stageChains(transitions, ISSUES)).toEqual(expectedStageChains(workload));
    // …and equal to what a single replica records from the same input.
    expect(sortTransitions(await single.store.transitions({}))).toEqual(sortTransitions(transitions));
    await Promise.all([store.close(), single.store.close()]);
  }, 120_000);
});

function sortTransitions(transitions: Transition[]): Transition[] {
  const key = (t: Transition) => `${t.project}#${String(t.iid).padStart(6, '0')}@${t.at}`;
  return [...transitions].sort((a, b) => key(a).localeCompare(key(b)));
}
