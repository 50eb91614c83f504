/**
 * Backfill speed: issues per minute read from a forge that answers every API call after 50 ms (the
 * demo's forge simulator with a delay on each request), into an in-memory SQLite store, for both
 * forges. One request at a time (how backfill read before) against `backfill.concurrency`
 * requests in flight, interleaved over rounds; plus a run where the forge answers 429 with
 * Retry-After now and then, which must still finish with every issue.
 * Run: npx tsx bench/backfill.ts [issues per forge] [rounds]
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { configSchema, type Config } from '../src/config/schema.js';
import {
  SIMULATED_GITHUB_REPO,
  SIMULATED_GITLAB_PROJECT_ID,
  startForgeSimulator,
  type FaultPlan,
} from '../src/demo/simulator/index.js';
import type { ForgeModel } from '../src/demo/simulator/model.js';
import type { ForgeName } from '../src/domain/types.js';
import { backfill } from '../src/engine/backfill.js';
import { backfillVocabulary } from '../src/engine/backfill-transitions.js';
import { createBackfillClients } from '../src/forges/clients.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { median, printTable, saveResult } from './support.js';

const ISSUES = Number(process.argv[2] ?? 300);
const ROUNDS = Number(process.argv[3] ?? 2);
const LATENCY_MS = 50;
const DAY = 86_400_000;
const person = { login: 'ae', bot: false };

/** Each issue: opened from a template, three stage moves, blocked for a while, closed without a stage label. */
function populate(model: ForgeModel, forge: ForgeName, count: number): void {
  const start = Date.parse('2025-01-01T00:00:00Z');
  for (let n = 0; n < count; n += 1) {
    const at = (days: number) => start + n * 3_600_000 + days * DAY;
    const issue = model.open({
      forge,
      title: `Engagement ${n}`,
      body: '',
      labels: ['type::implementation', 'segment::mm'],
      author: 'ae',
      at: at(0),
    });
    model.changeLabels(issue, ['stage::kickoff'], [], person, at(2));
    model.changeLabels(issue, ['stage::deployment'], ['stage::kickoff'], person, at(5));
    model.changeLabels(issue, ['status::blocked'], [], person, at(7));
    model.changeLabels(issue, ['stage::production-live'], ['stage::deployment', 'status::blocked'], person, at(20));
    model.setState(issue, 'closed', person, at(25));
  }
}

const secrets = { gitlab: randomBytes(8).toString('hex'), github: randomBytes(8).toString('hex') };
const simulator = await startForgeSimulator({ secrets });
populate(simulator.model, 'gitlab', ISSUES);
populate(simulator.model, 'github', ISSUES);

const slow: FaultPlan = () => ({ delayMs: LATENCY_MS });
/** Every 97th request is refused with 429 and `Retry-After: 1`; the rest answer after the usual delay. */
const rateLimited: FaultPlan = (call) =>
  call.seq % 97 === 0
    ? { status: 429, message: 'API rate limit exceeded', headers: { 'retry-after': '1' } }
    : { delayMs: LATENCY_MS };

function configWith(concurrency: number): Config {
  return configSchema.parse({
    gitlab: { url: simulator.gitlabUrl, token: 'glpat-bench' },
    github: { apiUrl: simulator.githubApiUrl, token: 'ghp_bench' },
    backfill: { concurrency },
  });
}

const PROJECTS: Record<ForgeName, string> = {
  gitlab: String(SIMULATED_GITLAB_PROJECT_ID),
  github: SIMULATED_GITHUB_REPO,
};

async function measure(forge: ForgeName, concurrency: number, plan: FaultPlan) {
  const config = configWith(concurrency);
  const client = createBackfillClients(config, { info: () => {} })[forge]!;
  const store = new SqliteStore({ path: ':memory:' });
  await store.migrate();
  simulator.setFaults(plan);
  const calls = simulator.counters.byForge[forge];
  const started = performance.now();
  const result = await backfill({ client, store, vocabulary: backfillVocabulary(config), project: PROJECTS[forge] });
  const seconds = (performance.now() - started) / 1000;
  simulator.setFaults(null);
  await store.close();
  if (!result.completed || result.issues !== ISSUES)
    throw new Error(`${forge}: backfill read ${result.issues} of ${ISSUES} issues`);
  return {
    seconds,
    issuesPerMin: (result.issues / seconds) * 60,
    callsPerIssue: (simulator.counters.byForge[forge] - calls) / result.issues,
    transitions: result.recorded,
  };
}

const defaultConcurrency = configSchema.parse({}).backfill.concurrency;
const settings = [1, defaultConcurrency];
const samples = new Map<string, Awaited<ReturnType<typeof measure>>[]>();
for (let round = 0; round < ROUNDS; round += 1) {
  for (const forge of ['gitlab', 'github'] as const) {
    for (const concurrency of settings) {
      const key = `${forge}|${concurrency}`;
      samples.set(key, [...(samples.get(key) ?? []), await measure(forge, concurrency, slow)]);
    }
  }
}

const rows: Record<string, string | number>[] = [];
for (const [key, runs] of samples) {
  const [forge, concurrency] = key.split('|');
  rows.push({
    forge: forge!,
    'requests in flight': Number(concurrency),
    issues: ISSUES,
    'issues/min (median)': Math.round(median(runs.map((r) => r.issuesPerMin))),
    'seconds (median)': Number(median(runs.map((r) => r.seconds)).toFixed(2)),
    'calls/issue': Number(runs[0]!.callsPerIssue.toFixed(2)),
    transitions: runs[0]!.transitions,
  });
}
for (const forge of ['gitlab', 'github'] as const) {
  const run = await measure(forge, defaultConcurrency, rateLimited);
  rows.push({
    forge: `${forge} (429 + Retry-After: 1 on every 97th request)`,
    'requests in flight': defaultConcurrency,
    issues: ISSUES,
    'issues/min (median)': Math.round(run.issuesPerMin),
    'seconds (median)': Number(run.seconds.toFixed(2)),
    'calls/issue': Number(run.callsPerIssue.toFixed(2)),
    transitions: run.transitions,
  });
}
await simulator.close();
printTable(rows);
console.log(`forge latency ${LATENCY_MS} ms per call; ${ROUNDS} interleaved rounds; node ${process.version}`);
console.log(
  `saved ${saveResult('backfill', { issues: ISSUES, rounds: ROUNDS, latencyMs: LATENCY_MS, node: process.version, rows })}`,
);
