import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createAlerter } from '../../src/alerts/alerter.js';
import type { CatchUpReport } from '../../src/catchup/report.js';
import { runCatchUp, scheduledCatchUp } from '../../src/catchup/run.js';
import type { JobDeps } from '../../src/engine/jobs.js';
import { configSchema, type Config, type ConfigInput } from '../../src/config/schema.js';
import { waitUntilSettled } from '../../src/demo/run.js';
import {
  SIMULATED_GITHUB_REPO,
  SIMULATED_GITLAB_PROJECT_ID,
  startForgeSimulator,
  type ForgeSimulator,
} from '../../src/demo/simulator/index.js';
import type { ForgeName } from '../../src/domain/types.js';
import { backfill } from '../../src/engine/backfill.js';
import { backfillVocabulary } from '../../src/engine/backfill-transitions.js';
import { createBackfillClients } from '../../src/forges/clients.js';
import { createService, type Service } from '../../src/service.js';
import { SqliteStore } from '../../src/store/sqlite.js';

/**
 * A service that is stopped while the forge simulator keeps sending (each delivery is attempted
 * once, as GitHub does), then started again on the same SQLite file, and caught up. The service is
 * in dry-run, so the forge's history holds only the people's changes, and a backfill of that
 * history into an empty store is the oracle: what the webhooks plus catch-up recorded must equal it.
 */
export interface Outage {
  simulator: ForgeSimulator;
  config: Config;
  service: Service | null;
  /**
   * Start the service on the file. `onStart`: as under serve, the engine runs the catch-up job
   * (first check at once) with live forge clients, so the service also acts on the forge.
   */
  start(options?: { onStart?: boolean }): Promise<Service>;
  stop(): Promise<void>;
  catchUp(): Promise<CatchUpReport>;
  settled(): Promise<void>;
  /** The store a backfill of the simulator's whole history fills (the oracle), its metrics as of `at`. */
  backfilled(at: Date): Promise<Service>;
  /** The caught-up store (the service stays up), its metrics as of `at`. */
  readback(at: Date): Promise<Service>;
  close(): Promise<void>;
}

const log = pino({ level: 'silent' });

export const PROJECT: Record<ForgeName, string> = {
  gitlab: String(SIMULATED_GITLAB_PROJECT_ID),
  github: SIMULATED_GITHUB_REPO,
};

export async function startOutage(forge: ForgeName, overrides: ConfigInput = {}): Promise<Outage> {
  const dir = mkdtempSync(join(tmpdir(), 'bk-outage-'));
  const secrets = { gitlab: randomBytes(8).toString('hex'), github: randomBytes(8).toString('hex') };
  const simulator = await startForgeSimulator({ secrets });
  const config = configSchema.parse({
    ...overrides,
    store: { sqlitePath: join(dir, 'bk.db'), sqliteSynchronous: 'normal' },
    worker: { pollIntervalMs: 10 },
    gitlab: {
      url: simulator.gitlabUrl,
      token: 'glpat-test',
      webhookSecret: secrets.gitlab,
      projects: [SIMULATED_GITLAB_PROJECT_ID],
    },
    github: {
      apiUrl: simulator.githubApiUrl,
      token: 'ghp_test',
      webhookSecret: secrets.github,
      repositories: [SIMULATED_GITHUB_REPO],
    },
    dryRun: true,
    durations: { cacheSeconds: 0 },
    reconcile: {
      hooks: [
        forge === 'gitlab'
          ? { forge, scope: 'project', owner: PROJECT.gitlab, id: 1 }
          : { forge, scope: 'repository', owner: PROJECT.github, id: 1 },
      ],
      ...overrides.reconcile,
    },
  });
  // Catch-up reads the forge for real while the service acts in dry-run.
  const readers = createBackfillClients({ ...config, dryRun: false }, { info: () => {} });
  const others: Service[] = [];
  const outage: Outage = {
    simulator,
    config,
    service: null,
    async start({ onStart = false } = {}) {
      const store = new SqliteStore({ path: config.store.sqlitePath, synchronous: 'normal' });
      await store.migrate();
      const service = await createService({
        config,
        store,
        log,
        ...(onStart ? { clients: readers, roomJobs: (deps: JobDeps) => [scheduledCatchUp(deps)] } : {}),
      });
      await service.app.listen({ port: 0, host: '127.0.0.1' });
      service.worker.start();
      simulator.setTarget(`http://127.0.0.1:${(service.app.server.address() as AddressInfo).port}`);
      outage.service = service;
      return service;
    },
    async stop() {
      await outage.service?.close();
      outage.service = null;
    },
    async catchUp() {
      const service = outage.service!;
      const report = await runCatchUp({
        config,
        store: service.store,
        clients: {
          gitlab: forge === 'gitlab' ? readers.gitlab : null,
          github: forge === 'github' ? readers.github : null,
        },
        actors: { gitlab: null, github: null },
        alerter: createAlerter(config, { store: service.store, log }),
        holder: 'outage-test',
      });
      if (!report) throw new Error('the catch-up lease was held');
      return report;
    },
    settled: () => waitUntilSettled(outage.service!, simulator, 60_000),
    async readback(at) {
      const store = new SqliteStore({ path: config.store.sqlitePath, synchronous: 'normal' });
      const service = await createService({ config, store, log, now: () => at });
      others.push(service);
      return service;
    },
    async backfilled(at) {
      const store = new SqliteStore({ path: ':memory:' });
      await store.migrate();
      const client = readers[forge]!;
      const result = await backfill({ client, store, vocabulary: backfillVocabulary(config), project: PROJECT[forge] });
      if (!result.completed) throw new Error('backfill did not complete');
      const service = await createService({ config, store, log, now: () => at });
      others.push(service);
      return service;
    },
    async close() {
      for (const service of others) await service.close();
      await outage.stop();
      await simulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return outage;
}

/** Whole seconds, as both forges' webhooks and histories give them. */
export const wholeSecond = (ms: number) => Math.ceil(ms / 1000) * 1000;

export const PERSON = { login: 'ae', bot: false };

/** What /metrics says, without the instant it was generated. */
export async function metricsOf(service: Service): Promise<Record<string, unknown>> {
  const response = await service.app.inject({ url: '/metrics', headers: { accept: 'application/json' } });
  const { generatedAt: _generatedAt, ...report } = response.json() as Record<string, unknown>;
  return report;
}

/** Every recorded transition as one line: issue, move, forge time. Duplicates would show twice. */
export async function transitionLines(service: Service): Promise<string[]> {
  return (await service.store.transitions({}))
    .map((t) => `${t.forge}#${t.iid} ${t.from ?? '-'}→${t.to} ${t.at}`)
    .sort();
}

/**
 * People work on the board while the service is up, then while it is down (every delivery of
 * that stretch fails once and is not retried), at forge times after the last delivery stored.
 * Returns how many deliveries failed while it was down.
 */
export async function playAroundOutage(
  outage: Outage,
  forge: ForgeName,
  restart: { onStart?: boolean; logAvailable?: boolean } = {},
): Promise<{ missed: number }> {
  const { model, sender } = outage.simulator;
  const before = wholeSecond(Date.now()) - 2 * 3_600_000;
  const minute = (base: number, n: number) => base + n * 60_000;
  await outage.start();
  const rollout = model.open({
    forge,
    title: 'Rollout for Contoso',
    body: 'plain',
    labels: ['type::implementation', 'segment::enterprise'],
    author: 'ae',
    at: before,
  });
  model.changeLabels(rollout, ['stage::kickoff'], [], PERSON, minute(before, 5));
  model.changeLabels(rollout, ['stage::deployment'], ['stage::kickoff'], PERSON, minute(before, 20));
  const sow = model.open({
    forge,
    title: 'SOW: Fabrikam',
    body: 'plain',
    labels: ['type::sow-request', 'segment::mm'],
    author: 'ae',
    at: minute(before, 30),
  });
  const quiet = model.open({
    forge,
    title: 'SOW: Tailspin',
    body: 'plain',
    labels: ['type::sow-request', 'segment::smb'],
    author: 'ae',
    at: minute(before, 40),
  });
  model.changeLabels(quiet, ['stage::discovery'], [], PERSON, minute(before, 50));
  await outage.settled();

  await outage.stop();
  const logged = sender.log.length;
  const down = wholeSecond(Date.now()) + 60_000;
  model.changeLabels(rollout, ['status::blocked'], [], PERSON, minute(down, 1));
  model.changeLabels(sow, ['stage::discovery'], [], PERSON, minute(down, 2));
  model.changeLabels(rollout, [], ['status::blocked'], PERSON, minute(down, 3));
  const fresh = model.open({
    forge,
    title: 'Rollout for Northwind',
    body: 'plain',
    labels: ['type::implementation', 'segment::mm'],
    author: 'ae',
    at: minute(down, 4),
  });
  model.changeLabels(fresh, ['stage::kickoff'], [], PERSON, minute(down, 5));
  model.changeLabels(rollout, ['stage::production-live'], ['stage::deployment'], PERSON, minute(down, 6));
  model.changeLabels(sow, ['stage::sow-signed'], ['stage::discovery'], PERSON, minute(down, 7));
  model.setState(rollout, 'closed', PERSON, minute(down, 8));
  await sender.idle();
  const missed = sender.log.slice(logged).filter((entry) => entry.status === null).length;
  if (restart.logAvailable === false) outage.simulator.setHookLogAvailable(false);
  await outage.start(restart);
  return { missed };
}
