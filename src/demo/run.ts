import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { configSchema, type Config } from '../config/schema.js';
import type { Alert } from '../alerts/alert.js';
import { createForgeClients, type ForgeClients } from '../forges/clients.js';
import { inProcessAnswers } from '../metrics/runtime/answer-cache.js';
import { ServiceMetrics } from '../observability/service-metrics.js';
import { runDigest, type DigestRun } from '../reports/run.js';
import { createLogger } from '../logger.js';
import { createService, type Service } from '../service.js';
import { SqliteStore } from '../store/sqlite.js';
import type { SweepReport } from '../sweep/report.js';
import { runSweep } from '../sweep/run.js';
import type { CatchUpReport } from '../catchup/report.js';
import { runCatchUp } from '../catchup/run.js';
import { playQuarter } from './play.js';
import { planQuarter, QUARTER_DAYS, type Engagement } from './scenario.js';
import {
  SIMULATED_BOARD,
  SIMULATED_GITHUB_REPO,
  SIMULATED_GITLAB_PROJECT_ID,
  startForgeSimulator,
  type ForgeSimulator,
  type SimIssue,
} from './simulator/index.js';

export interface DemoOptions {
  issues: number;
  seed: number;
  port: number;
  host: string;
  /** Where the SQLite file goes; null: a temporary directory removed on close. */
  dataDir: string | null;
  /** Real milliseconds per simulated day (0: as fast as the service goes). */
  dayMs: number;
  logLevel: string;
  onDay?: (day: number) => void;
}

/** One sweep of the time-driven policies, on the simulated clock. */
export interface DemoSweep {
  day: number;
  report: SweepReport;
}

export interface DemoRun extends DemoStack {
  engagements: Engagement[];
  /** The forge's issue of each engagement, by engagement key. */
  issues: Map<string, SimIssue>;
  /** The sweeps that did something. */
  sweeps: DemoSweep[];
  /** What a recording alerter received from the sweeps. */
  alerts: Alert[];
  /** The weekly digest of the quarter's last full week, filed on the simulated GitHub. */
  digest: DigestRun | null;
  /** The stretch the service was down, and what catch-up found at the restart. */
  outage: DemoOutage | null;
}

export interface DemoOutage {
  fromDay: number;
  toDay: number;
  /** Deliveries the forges attempted while it was down (each once: not retried). */
  failed: number;
  report: CatchUpReport | null;
}

/** Simulated days the service is unreachable while people keep working; catch-up recovers them at the restart. */
const OUTAGE_DAYS = { from: 50, to: 54 } as const;

const DAY_MS = 86_400_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The service has nothing left to do: no webhook on its way, nothing queued or being processed. */
export async function waitUntilSettled(service: Service, simulator: ForgeSimulator, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let quiet = 0; quiet < 2; ) {
    if (Date.now() > deadline) {
      const counts = await service.store.inboxCounts();
      throw new Error(
        `the service did not settle within ${timeoutMs} ms (inbox ${JSON.stringify(counts)}, ${simulator.sender.inFlight} webhooks in flight): a webhook loop?`,
      );
    }
    await simulator.sender.idle();
    const counts = await service.store.inboxCounts();
    quiet = counts.queued === 0 && counts.processing === 0 && simulator.sender.inFlight === 0 ? quiet + 1 : 0;
    await sleep(quiet > 0 ? 5 : 10);
  }
}

function demoConfig(
  options: StackOptions,
  simulator: ForgeSimulator,
  secrets: Record<'gitlab' | 'github', string>,
  sqlitePath: string,
): Config {
  return configSchema.parse({
    server: { port: options.port, host: options.host },
    store: { sqlitePath, sqliteSynchronous: 'normal' },
    worker: { pollIntervalMs: 20, backoffBaseMs: 100, backoffMaxMs: 2_000, maxAttempts: 5 },
    gitlab: { url: simulator.gitlabUrl, token: 'glpat-demo', webhookSecret: secrets.gitlab },
    github: {
      apiUrl: simulator.githubApiUrl,
      token: 'ghp_demo',
      webhookSecret: secrets.github,
      project: SIMULATED_BOARD,
    },
    dryRun: false,
    // One digest is filed at the end (the demo's clock is simulated, so it is sent by hand, not on the schedule).
    reports: { digest: { forge: { forge: 'github', project: SIMULATED_GITHUB_REPO, labels: ['digest'] } } },
    // Catch-up reads the simulator's one hook per forge.
    reconcile: {
      hooks: [
        { forge: 'gitlab', scope: 'project', owner: String(SIMULATED_GITLAB_PROJECT_ID), id: 1 },
        { forge: 'github', scope: 'repository', owner: SIMULATED_GITHUB_REPO, id: 1 },
      ],
    },
    // The summary and the dashboard show the quarter as it ends, not a minute-old snapshot.
    durations: { cacheSeconds: 0 },
    log: { level: options.logLevel },
    // A fresh secret per run: the status link the summary prints works until the demo stops.
    status: { secret: randomBytes(32).toString('base64url') },
  });
}

export interface DemoStack {
  url: string;
  config: Config;
  service: Service;
  /** The service's (live) clients of the simulator, for the sweeps. */
  clients: ForgeClients;
  simulator: ForgeSimulator;
  /** Resolves once the service has handled everything so far; throws after `timeoutMs` (a loop would never settle). */
  settled(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export type StackOptions = Pick<DemoOptions, 'port' | 'host' | 'dataDir' | 'logLevel'>;

/** A forge simulator and a live (not dry-run) service wired to it, listening and working. */
export async function startDemoStack(options: StackOptions): Promise<DemoStack> {
  const temporary = options.dataDir === null ? mkdtempSync(join(tmpdir(), 'boardkeeper-demo-')) : null;
  const dataDir = temporary ?? options.dataDir!;
  mkdirSync(dataDir, { recursive: true });
  const sqlitePath = join(dataDir, 'demo.db');
  // Each run starts from an empty board.
  for (const suffix of ['', '-wal', '-shm', '-intake'])
    rmSync(`${sqlitePath}${suffix}`, { force: true, recursive: true });

  const secrets = { gitlab: randomBytes(16).toString('hex'), github: randomBytes(16).toString('hex') };
  const simulator = await startForgeSimulator({ secrets });
  const config = demoConfig(options, simulator, secrets, sqlitePath);
  const log = createLogger({ level: config.log.level, destination: pino.destination(2) });
  const store = new SqliteStore({ path: sqlitePath, synchronous: config.store.sqliteSynchronous });
  await store.migrate();
  const metrics = new ServiceMetrics(store);
  const clients = createForgeClients(config, { info: () => {} }, {}, metrics);
  const service = await createService({ config, store, log, clients, metrics });
  await service.app.listen({ port: config.server.port, host: config.server.host });
  service.worker.start();
  const { port } = service.app.server.address() as AddressInfo;
  const url = `http://${config.server.host === '0.0.0.0' ? '127.0.0.1' : config.server.host}:${port}`;
  simulator.setTarget(url);
  return {
    url,
    config,
    service,
    clients,
    simulator,
    settled: (timeoutMs = 30_000) => waitUntilSettled(service, simulator, timeoutMs),
    async close() {
      await service.close();
      await simulator.close();
      if (temporary) rmSync(temporary, { recursive: true, force: true });
    },
  };
}

/** Start the stack, play a quarter of the board, and wait until the service has handled everything. */
export async function runDemo(options: DemoOptions): Promise<DemoRun> {
  const stack = await startDemoStack(options);
  try {
    const engagements = planQuarter(options.issues, options.seed);
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const quarterStartMs = today - QUARTER_DAYS * DAY_MS;
    const sweeps: DemoSweep[] = [];
    const alerts: Alert[] = [];
    // The sweep serve runs every 15 minutes runs here at the end of each simulated day, with that day as its clock.
    const sweep = async (day: number) => {
      const report = await runSweep({
        config: stack.config,
        store: stack.service.store,
        clients: stack.clients,
        alerter: { send: async (alert) => void alerts.push(alert) },
        holder: 'demo',
        now: () => new Date(quarterStartMs + day * DAY_MS),
      });
      if (report) stack.service.metrics.recordSweep(report);
      if (report && report.rows.length > 0) sweeps.push({ day, report });
      await stack.settled();
    };
    const { sender } = stack.simulator;
    let outage: DemoOutage | null = null;
    let logged = 0;
    const down = () => outage !== null && outage.report === null;
    // The service is down for a few days: every webhook of that stretch fails once and is never
    // retried. At the restart one catch-up pass finds them in the hooks' delivery logs.
    const restart = async () => {
      stack.simulator.setTarget(stack.url);
      outage!.failed = sender.log.slice(logged).filter((entry) => entry.status === null).length;
      outage!.report = await runCatchUp({
        config: stack.config,
        store: stack.service.store,
        clients: stack.clients,
        metrics: stack.service.metrics,
        holder: 'demo',
      });
      await stack.settled();
    };
    const issues = await playQuarter(engagements, {
      model: stack.simulator.model,
      quarterStartMs,
      settled: () => stack.settled(),
      pauseMs: options.dayMs,
      onDay: (day) => {
        options.onDay?.(day);
        if (outage === null && day >= OUTAGE_DAYS.from && day < OUTAGE_DAYS.to) {
          outage = { fromDay: day, toDay: OUTAGE_DAYS.to, failed: 0, report: null };
          logged = sender.log.length;
          sender.target = null;
        }
      },
      afterDay: async (day) => {
        if (down() && day + 1 >= OUTAGE_DAYS.to) await restart();
        if (!down()) await sweep(day + 1);
      },
    });
    if (down()) await restart();
    await sweep(QUARTER_DAYS);
    const digest = await fileDemoDigest(stack);
    return { ...stack, engagements, issues, sweeps, alerts, outage, digest };
  } catch (error) {
    await stack.close();
    throw error;
  }
}

/** The digest of last week, from the same reports as the demo's /metrics, filed on the simulated GitHub. */
async function fileDemoDigest(stack: DemoStack): Promise<DigestRun | null> {
  const { config, service, clients } = stack;
  // The dashboard link in the digest points at this run of the demo.
  config.alerts.publicUrl = stack.url;
  const reports = inProcessAnswers(service.store, config, {
    now: () => new Date(),
    onRefreshError: (error) => {
      throw error;
    },
  });
  try {
    const digest = await runDigest({
      config,
      store: service.store,
      metrics: (query) => reports.answer(query),
      filing: clients,
      holder: 'demo',
    });
    await stack.settled();
    return digest;
  } finally {
    await reports.close();
  }
}
