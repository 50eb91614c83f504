/**
 * Fault injection, end to end: a forge that fails in bursts, is slow, drops connections or refuses
 * one issue for good; a store locked by another connection; a service killed with SIGKILL. After
 * each, every acknowledged delivery is applied once, nothing is lost, and the dead letters are
 * exactly the deliveries that could not succeed, each with its reason.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { playQuarter } from '../../src/demo/play.js';
import { waitUntilSettled } from '../../src/demo/run.js';
import { planQuarter } from '../../src/demo/scenario.js';
import {
  SIMULATED_BOARD,
  startForgeSimulator,
  type FaultPlan,
  type ForgeSimulator,
  type SimIssue,
} from '../../src/demo/simulator/index.js';
import { createForgeClients } from '../../src/forges/clients.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { spawnServer, ROOT } from '../support/process.js';
import { startTestService, testConfig, type TestService } from '../support/service.js';
import { GITHUB_SECRET, GITLAB_SECRET } from '../support/signing.js';

const DAY_MS = 86_400_000;
const secrets = { gitlab: GITLAB_SECRET, github: GITHUB_SECRET };
const cleanups: Array<() => Promise<void> | void> = [];
// Generous: on a loaded 2-core machine these runs have taken over a minute (about 18 s when idle).
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}, 120_000);

async function simulator(): Promise<ForgeSimulator> {
  const sim = await startForgeSimulator({ secrets, redeliveries: 100, redeliverMs: 100 });
  cleanups.push(() => sim.close());
  return sim;
}

/** A service in this process, live against the simulator, with short timeouts and quick backoff. */
async function liveService(sim: ForgeSimulator): Promise<TestService> {
  const config = {
    gitlab: { url: sim.gitlabUrl, token: 'glpat-test' },
    github: { apiUrl: sim.githubApiUrl, token: 'ghp_test', project: SIMULATED_BOARD },
    dryRun: false,
    // Leases only matter for takeover after a crash, which these in-process runs never need; a short
    // one would expire under a slow forge on a loaded machine and count spurious attempts.
    worker: { maxAttempts: 8, leaseMs: 30_000 },
  };
  const quick = { timeoutMs: 250, retryBaseDelayMs: 5, maxInCallWaitMs: 100, quickRetries: 2 };
  const clients = createForgeClients(testConfig(config), { info: () => {} }, quick);
  const t = await startTestService({ config, clients });
  cleanups.push(() => t.cleanup());
  await t.service.app.listen({ port: 0, host: '127.0.0.1' });
  t.service.worker.start();
  sim.setTarget(`http://127.0.0.1:${(t.service.app.server.address() as AddressInfo).port}`);
  return t;
}

/** Every person's change of a short quarter, sent without waiting for the service (a busy day). */
function playBurst(sim: ForgeSimulator, issues: number) {
  return playQuarter(planQuarter(issues, 7), {
    model: sim.model,
    quarterStartMs: Date.now() - 90 * DAY_MS,
    settled: async () => {},
  });
}

const stageLabels = (issue: SimIssue) =>
  issue.labels.filter((l) => l.startsWith('stage::') || l.startsWith('initiative::'));
const acknowledged = (sim: ForgeSimulator) =>
  sim.sender.sent.filter((d) => d.status !== null && d.status < 300).map((d) => d.id);

function processedCounts(lines: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    if (!line.includes('"msg":"delivery processed"')) continue;
    const id = (JSON.parse(line) as { deliveryId: string }).deliveryId;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

describe('a forge that misbehaves', () => {
  it('retries bursts of 500/429, slow answers and dropped connections; dead-letters only what the forge refuses for good', async () => {
    const sim = await simulator();
    const t = await liveService(sim);
    const refusedIssue = '/projects/42/issues/2';
    const brokenIssue = '/repos/acme/services/issues/3';
    // GitHub changes go out as GraphQL mutations naming the issue by its node id.
    const aboutBrokenIssue = (path: string, body: unknown) => {
      const nodeId = sim.model.find('github', 'acme/services', 3)?.nodeId;
      return (
        path.startsWith(brokenIssue) ||
        (path === '/graphql' && nodeId !== undefined && JSON.stringify(body ?? '').includes(nodeId))
      );
    };
    const plan: FaultPlan = ({ path, method, seq, body }) => {
      if (path.startsWith(refusedIssue) && method !== 'GET') return { status: 422, message: 'Labels is invalid' };
      if (aboutBrokenIssue(path, body)) return { status: 500, message: 'Internal Server Error' };
      if (Math.floor(seq / 6) % 5 === 1)
        return seq % 2 ? { status: 502 } : { status: 429, headers: { 'retry-after': '0' } };
      if (seq % 23 === 5) return { delayMs: 400 };
      if (seq % 29 === 7) return { drop: true };
      return undefined;
    };
    sim.setFaults(plan);
    await playBurst(sim, 8);
    await waitUntilSettled(t.service, sim, 100_000);

    const store = t.service.store;
    const counts = await store.inboxCounts();
    const acked = new Set(acknowledged(sim));
    expect(counts.queued + counts.processing).toBe(0);
    expect(counts.done + counts.dead).toBe(acked.size);
    expect(sim.counters.faults).toBeGreaterThan(20);

    const dead = await store.listInbox('dead', 1000);
    const deadIssues = new Set(dead.map((row) => row.orderingKey));
    const refused = sim.model.find('gitlab', '42', 2)!;
    const broken = sim.model.find('github', 'acme/services', 3)!;
    expect(deadIssues).toEqual(new Set(['gitlab:42#2', `github:${broken.nodeId}`]));
    for (const row of dead)
      expect(row.lastError).toMatch(row.forge === 'gitlab' ? /422 Labels is invalid/ : /500 Internal Server Error/);

    for (const [id, n] of processedCounts(t.logs.flatMap((chunk) => chunk.split('\n')))) expect(n, id).toBe(1);
    for (const issue of sim.model.issues) {
      if (issue === refused || issue === broken) continue;
      expect(stageLabels(issue), `${issue.forge} #${issue.iid}`).toHaveLength(1);
    }
  }, 150_000);
});

describe('a store that is busy', () => {
  it('keeps intake and the worker waiting, or answering 503 for the forge to retry, and loses nothing', async () => {
    const sim = await simulator();
    const t = await liveService(sim);
    // Another process holds SQLite's write lock for longer than busy_timeout (5 s).
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(process.argv[1]); db.exec('BEGIN IMMEDIATE'); console.log('locked'); setTimeout(() => { db.exec('COMMIT'); db.close(); }, 6500);`,
        t.config.store.sqlitePath,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(() => void holder.kill());
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
    await playBurst(sim, 4);
    // While the lock is held nothing can be stored: intake waits off the event loop (or answers 503).
    expect(holder.exitCode, 'the lock was still held after the burst was sent').toBeNull();
    expect(sim.sender.sent.length).toBeGreaterThan(0);
    expect(acknowledged(sim)).toEqual([]);
    await new Promise((resolve) => holder.once('exit', resolve));
    await waitUntilSettled(t.service, sim, 100_000);

    const acked = new Set(acknowledged(sim));
    expect(sim.sender.sent.every((d) => acked.has(d.id))).toBe(true);
    const counts = await t.service.store.inboxCounts();
    expect(counts).toMatchObject({ queued: 0, processing: 0, dead: 0, done: acked.size });
    for (const [id, n] of processedCounts(t.logs.flatMap((chunk) => chunk.split('\n')))) expect(n, id).toBe(1);
    for (const issue of sim.model.issues) expect(stageLabels(issue), `${issue.forge} #${issue.iid}`).toHaveLength(1);
  }, 150_000);
});

describe('a service killed with SIGKILL while it acts on the forge', () => {
  it('finishes every acknowledged delivery once after the restart', async () => {
    const sim = await simulator();
    const dir = mkdtempSync(join(tmpdir(), 'bk-kill-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const configFile = join(dir, 'boardkeeper.yml');
    writeFileSync(
      configFile,
      [
        'dryRun: false',
        'worker: { leaseMs: 1000, pollIntervalMs: 20, backoffBaseMs: 20, backoffMaxMs: 200 }',
        `gitlab: { url: "${sim.gitlabUrl}" }`,
        `github: { apiUrl: "${sim.githubApiUrl}", project: { owner: acme, number: 1 } }`,
        '',
      ].join('\n'),
    );
    const env = {
      BOARDKEEPER_CONFIG: configFile,
      BOARDKEEPER_DB_PATH: join(dir, 'bk.db'),
      GITLAB_WEBHOOK_SECRET: GITLAB_SECRET,
      GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
      GITLAB_TOKEN: 'glpat-test',
      GITHUB_TOKEN: 'ghp_test',
    };
    const first = await spawnServer(env);
    sim.setTarget(first.url);
    // Kill the service mid-work: after some deliveries were acknowledged and forge calls made
    // (a burst of six issues takes ~50 calls since GitHub's actions are batched).
    let killed = false;
    sim.setFaults(({ seq }) => {
      if (!killed && seq === 25) {
        killed = true;
        first.child.kill('SIGKILL');
      }
      return undefined;
    });
    await playBurst(sim, 6);
    await first.exited;
    expect(killed).toBe(true);
    const second = await spawnServer(env);
    cleanups.push(async () => void (await second.kill('SIGTERM')));
    sim.setTarget(second.url);
    await sim.sender.idle();

    const store = new SqliteStore({ path: env.BOARDKEEPER_DB_PATH });
    cleanups.push(() => store.close());
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const counts = await store.inboxCounts();
      if (counts.queued === 0 && counts.processing === 0 && sim.sender.inFlight === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const acked = acknowledged(sim);
    const done = new Set((await store.listInbox('done', 10_000)).map((row) => row.id));
    expect(acked.filter((id) => !done.has(id))).toEqual([]);
    expect((await store.inboxCounts()).dead).toBe(0);
    for (const [id, n] of processedCounts([...first.lines, ...second.lines])) expect(n, id).toBe(1);
    for (const issue of sim.model.issues) expect(stageLabels(issue), `${issue.forge} #${issue.iid}`).toHaveLength(1);
  }, 150_000);
});
