/**
 * End-to-end throughput: signed GitLab deliveries sent like a forge behind a load balancer (each
 * issue's events in order, issues in parallel) until every one is processed, for 1, 2 and 3
 * replicas on PostgreSQL and for the single SQLite process, in one run. Production defaults
 * (info logging, worker concurrency 8, pool 10), dry-run forges.
 * Needs the PostgreSQL of the test setup (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test).
 * Usage: npm run bench:replicas [-- --issues 100 --events 20 --lanes 50]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SqliteStore } from '../src/store/sqlite.js';
import type { Store } from '../src/store/store.js';
import { runSchema } from '../test/support/postgres.js';
import { issueWorkload, sendWorkload, startReplica, stopReplica } from '../test/support/replicas.js';
import { printTable, saveResult } from './support.js';

const { values } = parseArgs({
  options: {
    issues: { type: 'string', default: '100' },
    events: { type: 'string', default: '20' },
    lanes: { type: 'string', default: '50' },
  },
});
const options = { issues: Number(values.issues), events: Number(values.events), lanes: Number(values.lanes) };
const total = options.issues * options.events;

interface Setup {
  name: string;
  replicas: number;
  env: Record<string, string>;
  /** A reader on the same database, to see when everything is processed. */
  observer: () => Store;
  cleanup: () => Promise<void>;
}

interface Measured {
  setup: string;
  deliveries: number;
  intakeSeconds: number;
  totalSeconds: number;
  eventsPerSecond: number;
  retried: number;
}

async function postgresSetup(replicas: number): Promise<Setup> {
  const run = await runSchema(`bench${replicas}`);
  return {
    name: `PostgreSQL, ${replicas} replica${replicas > 1 ? 's' : ''}`,
    replicas,
    env: { DATABASE_URL: run.databaseUrl() },
    observer: () => run.observe(),
    cleanup: () => run.drop(),
  };
}

function sqliteSetup(dir: string): Setup {
  const path = join(dir, 'bench.db');
  return {
    name: 'SQLite, single process',
    replicas: 1,
    env: { BOARDKEEPER_DB_PATH: path },
    observer: () => new SqliteStore({ path }),
    cleanup: async () => {},
  };
}

async function measure(setup: Setup, configPath: string, runId: string): Promise<Measured> {
  const replicas = await Promise.all(
    Array.from({ length: setup.replicas }, () => startReplica({ configPath, env: setup.env })),
  );
  const observer = setup.observer();
  try {
    const workload = issueWorkload(options.issues, options.events, runId);
    const ports = replicas.map((replica) => replica.port);
    const started = performance.now();
    const sent = await sendWorkload(workload, () => ports, { lanes: options.lanes });
    const intakeDone = performance.now();
    while ((await observer.inboxCounts()).done < total) await new Promise((resolve) => setTimeout(resolve, 25));
    const finished = performance.now();
    return {
      setup: setup.name,
      deliveries: total,
      intakeSeconds: (intakeDone - started) / 1000,
      totalSeconds: (finished - started) / 1000,
      eventsPerSecond: Math.round(total / ((finished - started) / 1000)),
      retried: sent.retried,
    };
  } finally {
    await observer.close();
    await Promise.all(replicas.map((replica) => stopReplica(replica)));
    await setup.cleanup();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bk-bench-replicas-'));
const configPath = join(dir, 'config.yml');
writeFileSync(configPath, '{}\n');
const results: Measured[] = [];
try {
  console.log(
    `replica benchmark: ${options.issues} issues × ${options.events} events = ${total} deliveries per setup, ` +
      `${options.lanes} parallel senders; load average before: ${loadavg()[0]!.toFixed(2)}`,
  );
  const setups = [sqliteSetup(dir), await postgresSetup(1), await postgresSetup(2), await postgresSetup(3)];
  for (const [i, setup] of setups.entries()) {
    results.push(await measure(setup, configPath, `bench${i}`));
    console.log(`${setup.name}: ${results.at(-1)!.eventsPerSecond} events/s`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

printTable(
  results.map((r) => ({
    setup: r.setup,
    'events/s (end to end)': r.eventsPerSecond,
    'intake s': r.intakeSeconds.toFixed(1),
    'all processed s': r.totalSeconds.toFixed(1),
    'resent (503/refused)': r.retried,
  })),
);
console.log(`saved ${saveResult('replicas', { options, loadAverage: loadavg(), results })}`);
