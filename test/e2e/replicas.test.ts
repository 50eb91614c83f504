import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transition } from '../../src/domain/types.js';
import { PostgresStore } from '../../src/store/postgres.js';
import {
  createSchema,
  databaseUrlFor,
  dropSchema,
  ensurePostgres,
  TEST_DATABASE_URL,
  uniqueSchemaName,
} from '../support/postgres.js';
import {
  issueWorkload,
  sendWorkload,
  stageOf,
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
  const schemas: string[] = [];
  const started: Replica[] = [];
  const workload = issueWorkload(ISSUES, EVENTS_PER_ISSUE, 'e2e');

  async function startReplicas(count: number): Promise<{ replicas: Replica[]; store: PostgresStore }> {
    const schema = uniqueSchemaName('e2e');
    schemas.push(schema);
    await createSchema(schema);
    const env = { DATABASE_URL: databaseUrlFor(schema) };
    const replicas = await Promise.all(Array.from({ length: count }, () => startReplica({ configPath, env })));
    started.push(...replicas);
    const store = new PostgresStore({ connectionString: TEST_DATABASE_URL, schema, poolSize: 2, statementTimeoutMs: 10_000 });
    return { replicas, store };
  }

  const drained = (store: PostgresStore) =>
    eventually(async () => (await store.inboxCounts()).done === TOTAL, `all ${TOTAL} deliveries done`, 60_000);

  beforeAll(ensurePostgres);
  afterAll(async () => {
    await Promise.all(started.map((replica) => stopReplica(replica)));
    for (const schema of schemas) await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('processes every acknowledged delivery once and each issue in order while one replica is SIGKILLed, like one replica does', async () => {
    const { replicas, store } = await startReplicas(3);
    const victim = replicas[1]!;
    let live = replicas.map((replica) => replica.port);
    const sent = await sendWorkload(workload, () => live, {
      lanes: 30,
      onAcknowledged(count) {
        if (count !== KILL_AFTER_ACKNOWLEDGED) return;
        live = live.filter((port) => port !== victim.port);
        victim.child.kill('SIGKILL');
      },
    });
    expect(sent.acknowledged).toHaveLength(TOTAL);
    await drained(store);

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
    expect(replicas.filter((replica) => replica !== victim).map((replica) => replica.child.exitCode)).toEqual([null, null]);

    // Each issue's events were applied in order: its transitions are exactly the chain of stages.
    const transitions = await store.transitions({});
    for (let issue = 0; issue < ISSUES; issue++) {
      const chain = transitions.filter((t) => t.iid === issue + 1).map((t) => `${t.from}>${t.to}`);
      expect(chain).toEqual(workload[issue]!.map((_, n) => `${n === 0 ? null : stageOf(n - 1)}>${stageOf(n)}`));
    }

    // …and equal to what a single replica records from the same input.
    const single = await startReplicas(1);
    await sendWorkload(workload, () => [single.replicas[0]!.port], { lanes: 30 });
    await drained(single.store);
    expect(sortTransitions(await single.store.transitions({}))).toEqual(sortTransitions(transitions));
    await Promise.all([store.close(), single.store.close()]);
  }, 110_000);
});

function sortTransitions(transitions: Transition[]): Transition[] {
  const key = (t: Transition) => `${t.project}#${String(t.iid).padStart(6, '0')}@${t.at}`;
  return [...transitions].sort((a, b) => key(a).localeCompare(key(b)));
}
