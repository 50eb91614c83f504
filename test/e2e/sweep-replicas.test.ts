import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startForgeSimulator, type ForgeSimulator } from '../../src/demo/simulator/index.js';
import { SLA_MARKER } from '../../src/policies/defaults.js';
import type { PostgresStore } from '../../src/store/postgres.js';
import { SWEEP_LEASE } from '../../src/sweep/run.js';
import { runSchema, type RunSchema } from '../support/postgres.js';
import { startReplica, stopReplica, writeReplicaConfig, type Replica } from '../support/replicas.js';
import { eventually } from '../support/service.js';
import { engagementInDeployment, seedEngagements } from '../support/sweep-board.js';
import { GITHUB_SECRET, GITLAB_SECRET } from '../support/signing.js';

const ISSUES = 24;
const DAY = 86_400_000;

describe('two replicas on PostgreSQL sweeping one board', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bk-sweep-replicas-'));
  const configPath = writeReplicaConfig(dir);
  // Sweep every 0.6 s; a dead sweeper's lease lapses after 2 s.
  appendFileSync(configPath, ['sweep:', '  intervalMinutes: 0.01', '  leaseSeconds: 2', ''].join('\n'));
  let run: RunSchema;
  let simulator: ForgeSimulator;
  let store: PostgresStore;
  const replicas: Replica[] = [];

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => stopReplica(replica)));
    await store?.close();
    await simulator?.close();
    await run?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('acts on each issue once between them, after taking over from a sweeper that died holding the lease; the echoes are no transitions', async () => {
    run = await runSchema('sweep');
    simulator = await startForgeSimulator({ secrets: { gitlab: GITLAB_SECRET, github: GITHUB_SECRET } });
    const nowMs = Date.now();
    for (let iid = 1; iid <= ISSUES; iid++) {
      simulator.model.open({
        forge: 'gitlab',
        title: `SOW ${iid}`,
        body: '',
        labels: ['stage::deployment', 'type::sow-request'],
        author: 'ae',
        at: nowMs - 60 * DAY,
      });
    }
    store = run.observe();
    await store.migrate();
    // Half the engagements 25 days into implementation (at risk), half 40 (breached).
    const seeded = Array.from({ length: ISSUES }, (_, i) =>
      engagementInDeployment(i + 1, (i + 1) % 2 === 0 ? 25 : 40, nowMs),
    );
    await seedEngagements(store, seeded);
    // A replica died mid-sweep: its lease is still live for a while.
    expect(await store.holdLease({ name: SWEEP_LEASE, holder: 'dead-replica' }, 1_500)).toBe(true);

    const env = { DATABASE_URL: run.databaseUrl(), GITLAB_URL: simulator.gitlabUrl, GITLAB_TOKEN: 'glpat-sweep-test' };
    replicas.push(...(await Promise.all([startReplica({ configPath, env }), startReplica({ configPath, env })])));
    simulator.setTarget(`http://127.0.0.1:${replicas[0]!.port}`);

    const sweepAudit = async () =>
      (await store.audit({ limit: 10_000 })).filter((entry) => entry.deliveryId === 'sweep');
    await eventually(
      async () => (await sweepAudit()).length >= 2 * ISSUES,
      'every issue labelled and commented',
      60_000,
    );
    // Several more intervals: nothing more may happen.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await eventually(async () => (await store.inboxCounts()).queued === 0, 'echoes processed', 30_000);

    const audit = await sweepAudit();
    expect(audit).toHaveLength(2 * ISSUES);
    expect(audit.every((entry) => entry.result === 'applied')).toBe(true);
    const perIssue = new Map<number, string[]>();
    for (const entry of audit) perIssue.set(entry.iid, [...(perIssue.get(entry.iid) ?? []), entry.action].sort());
    expect([...perIssue.values()].every((actions) => actions.join() === 'comment,labels')).toBe(true);

    for (const issue of simulator.model.issues.filter((i) => i.forge === 'gitlab')) {
      const sla = issue.labels.filter((label) => label.startsWith('sla::'));
      expect(sla, `#${issue.iid}`).toEqual([issue.iid % 2 === 0 ? 'sla::at-risk' : 'sla::breached']);
      expect(
        issue.comments.filter((comment) => comment.body.includes(SLA_MARKER)),
        `#${issue.iid}`,
      ).toHaveLength(1);
    }
    // Both replicas were up, one sweeper acted at a time; the dead one's lease was taken over. Each
    // issue's label and comment are changes; its alert is skipped, as no receiver is configured.
    const finished = replicas.flatMap((replica) => replica.logs.filter((line) => line.msg === 'sweep finished'));
    expect(finished.reduce((n, line) => n + Number(line.changes), 0)).toBe(2 * ISSUES);
    // Each replica's sweeps reach its service metrics (from the engine thread), and add up to the same.
    const counted = async (result: string) =>
      (
        await Promise.all(
          replicas.map(async (replica) => {
            const text = await (await fetch(`http://127.0.0.1:${replica.port}/metrics/service`)).text();
            return text
              .split('\n')
              .filter(
                (line) => line.startsWith('boardkeeper_sweep_actions_total{') && line.includes(`result="${result}"`),
              )
              .reduce((n, line) => n + Number(line.split(' ').at(-1)), 0);
          }),
        )
      ).reduce((a, b) => a + b, 0);
    expect(await counted('applied')).toBe(2 * ISSUES);
    expect(await counted('skipped')).toBe(ISSUES);
    // The forge's webhooks for the sweep's labels were handled as the bot's own: no new transition.
    expect((await store.transitions({})).length).toBe(seeded.flatMap((s) => s.transitions).length);
    expect((await store.inboxCounts()).done).toBeGreaterThanOrEqual(ISSUES);
  }, 120_000);
});
