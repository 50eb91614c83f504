/**
 * Intake benchmark: signed GitHub `issues.opened` deliveries, in one run, against
 *   - a bare fastify route (the floor: no verification, no storage),
 *   - boardkeeper (HMAC check, classification, durable SQLite write before the 202, worker running
 *     in dry-run, production defaults: info logging, synchronous=FULL),
 *   - boardkeeper with `github.repositories` set so that every delivery is ignored (200, nothing stored),
 *   - a minimal Probot app handling the same event (verification + handler, nothing stored).
 * Targets run interleaved, each in a fresh child process per round; medians over the rounds are reported.
 * Usage: npm run bench:intake [-- --seconds 10 --connections 50 --rounds 3 --issues 200 --profile DIR]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { githubFixture } from '../test/support/payloads.js';
import { githubHeaders } from '../test/support/signing.js';
import { launch, load, median, printTable, saveResult, type Launched, type LoadResult } from './support.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
    issues: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '2' },
    /** Write a CPU profile of each boardkeeper child into this folder. */
    profile: { type: 'string' },
  },
});
const options = { seconds: Number(values.seconds), connections: Number(values.connections) };
const rounds = Number(values.rounds);
const secret = 'bench-secret';

/** Deliveries spread over many issues, as a real board's are: one fixture body per issue, each signed once. */
const pool = await Promise.all(
  Array.from({ length: Number(values.issues) }, async (_, n) => {
    const payload = githubFixture('issues.opened');
    payload.issue.id += n;
    payload.issue.number += n;
    payload.issue.node_id = `${payload.issue.node_id}-${n}`;
    const body = JSON.stringify(payload);
    const { 'x-hub-signature-256': signature } = await githubHeaders('issues', body, '', secret);
    return { body, signature };
  }),
);
const requestsFor = (prefix: string) => ({
  body: (n: number) => pool[n % pool.length]!.body,
  headers: (n: number) => ({
    'content-type': 'application/json',
    'x-github-event': 'issues',
    'x-github-delivery': `${prefix}-${n}`,
    'x-hub-signature-256': pool[n % pool.length]!.signature,
  }),
});

interface Target {
  name: string;
  start(dir: string): Promise<Launched>;
  /** How many of the deliveries whose id starts with `prefix` the target still has after it stopped. */
  kept?(dir: string, prefix: string): Promise<number>;
}

const dbPath = (dir: string) => join(dir, 'bk.db');
/** boardkeeper with production defaults plus `config` (YAML), nothing tuned for the benchmark. */
function boardkeeper(dir: string, config: string): Promise<Launched> {
  writeFileSync(join(dir, 'config.yml'), `${config}\n`);
  const env = {
    BOARDKEEPER_CONFIG: join(dir, 'config.yml'),
    BOARDKEEPER_DB_PATH: dbPath(dir),
    GITHUB_WEBHOOK_SECRET: secret,
  };
  const profile = values.profile ? ['--cpu-prof', '--cpu-prof-dir', values.profile] : [];
  return launch(['src/cli.ts', 'serve', '--port', '0', '--host', '127.0.0.1'], env, profile);
}
const DURABLE = 'boardkeeper (verify + durable write)';
const IGNORED = 'boardkeeper, repository not allowed (verify + 200 ignored)';
const TARGETS: Target[] = [
  { name: 'bare fastify (floor)', start: () => launch(['bench/bare-server.ts']) },
  {
    name: DURABLE,
    start: (dir) => boardkeeper(dir, '{}'),
    async kept(dir, prefix) {
      const db = new Database(dbPath(dir), { readonly: true });
      try {
        return (db.prepare('SELECT COUNT(*) AS n FROM inbox WHERE id LIKE ?').get(`${prefix}-%`) as { n: number }).n;
      } finally {
        db.close();
      }
    },
  },
  // Every delivery names a repository off the allow-list: answered without a durable write.
  { name: IGNORED, start: (dir) => boardkeeper(dir, 'github: { repositories: [acme/elsewhere] }') },
  {
    name: 'probot 14 (verify + handler)',
    start: () => launch(['bench/probot-server.ts'], { GITHUB_WEBHOOK_SECRET: secret, LOG_LEVEL: 'info' }),
  },
];

interface Round extends LoadResult {
  round: number;
  /** Deliveries found in the store after the process stopped, against `ok` acknowledged. */
  kept: number | null;
}

async function measure(target: Target, round: number): Promise<Round> {
  const dir = mkdtempSync(join(tmpdir(), 'bk-bench-'));
  try {
    const server = await target.start(dir);
    const url = `${server.url}/webhooks/github`;
    const warmup = requestsFor(`warmup-${round}`);
    await load('warmup', url, warmup.body, warmup.headers, { ...options, seconds: Number(values.warmup) });
    const prefix = `bench-${round}`;
    const measured = requestsFor(prefix);
    const result = await load(target.name, url, measured.body, measured.headers, options);
    await server.stop();
    const kept = target.kept ? await target.kept(dir, prefix) : null;
    return { ...result, round, kept };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  `intake benchmark: ${rounds} rounds × ${TARGETS.length} targets, ${options.seconds}s each after ${values.warmup}s warm-up, ` +
    `${options.connections} connections, ${pool.length} issues, body ${pool[0]!.body.length} bytes`,
);
const rows: Round[] = [];
for (let round = 1; round <= rounds; round++) {
  for (const target of TARGETS) {
    const result = await measure(target, round);
    rows.push(result);
    console.log(
      `  round ${round} ${target.name}: ${result.requestsPerSecond} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`,
    );
  }
}

const summary = TARGETS.map((target) => {
  const mine = rows.filter((row) => row.name === target.name);
  return {
    target: target.name,
    requestsPerSecond: median(mine.map((row) => row.requestsPerSecond)),
    p50Ms: median(mine.map((row) => row.p50Ms)),
    p99Ms: median(mine.map((row) => row.p99Ms)),
    acknowledged: mine.reduce((n, row) => n + row.ok, 0),
    kept: target.kept ? mine.reduce((n, row) => n + (row.kept ?? 0), 0) : null,
    failures: mine.reduce((n, row) => n + row.non2xx + row.errors, 0),
  };
});
const byName = (name: string) => summary.find((s) => s.target === name)!;
const floor = byName(TARGETS[0]!.name);
const probot = byName(TARGETS.at(-1)!.name);
const durable = byName(DURABLE);
function roundRatio(target: string, base: string): string {
  const rate = (name: string, round: number) =>
    rows.find((row) => row.name === name && row.round === round)!.requestsPerSecond;
  return median(Array.from({ length: rounds }, (_, i) => rate(target, i + 1) / rate(base, i + 1))).toFixed(2);
}
printTable(
  summary.map((s) => ({
    target: s.target,
    'median req/s': s.requestsPerSecond,
    'p50 ms': s.p50Ms,
    'p99 ms': s.p99Ms,
    'vs bare': (s.requestsPerSecond / floor.requestsPerSecond).toFixed(2),
    'vs probot': (s.requestsPerSecond / probot.requestsPerSecond).toFixed(2),
    // Within a round the targets ran back to back, so these ratios suffer less from a machine whose load swings.
    'per-round vs bare (median)': roundRatio(s.target, floor.target),
    'per-round vs probot (median)': roundRatio(s.target, probot.target),
    'non-2xx+errors': s.failures,
    'acked / kept after stop': s.kept === null ? `${s.acknowledged} / none` : `${s.acknowledged} / ${s.kept}`,
  })),
);
const lost = durable.kept !== null && durable.kept < durable.acknowledged;
if (lost) console.log(`WARNING: boardkeeper acknowledged ${durable.acknowledged} deliveries but kept ${durable.kept}`);
console.log(
  `saved ${saveResult('intake', { options: { ...options, rounds, issues: pool.length }, rounds: rows, summary })}`,
);
