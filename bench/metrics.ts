/**
 * `npm run bench:metrics`: fills a SQLite store with 10k, 100k and 1M transitions (about 10 per
 * issue) and times GET /metrics?kind=implementation over HTTP. Prints the first (cold: reads the
 * store) and warm timings, and how they grow with the data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { configSchema } from '../src/config/schema.js';
import type { Transition } from '../src/domain/types.js';
import { metricsRoutes } from '../src/http/metrics.js';
import { overlayTo } from '../src/metrics/overlay.js';
import { SqliteStore } from '../src/store/sqlite.js';

const SIZES = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 30);
const DAY = 86_400_000;
const T0 = Date.parse('2025-01-01T00:00:00Z');
const PATH = ['intake', 'triage', 'discovery', 'estimate', 'sow-drafting', 'sow-signed', 'kickoff', 'deployment', 'production-live', 'closed'];

/** Deterministic PRNG (mulberry32) so every run measures the same data. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function* engagements(transitionCount: number): Generator<Transition[]> {
  const random = prng(transitionCount);
  let produced = 0;
  for (let iid = 1; produced < transitionCount; iid++) {
    const kind = random() < 0.5 ? 'implementation' : 'sow-request';
    const segment = ['smb', 'mm', 'enterprise', 'strategic'][Math.floor(random() * 4)]!;
    let at = T0 + random() * 540 * DAY;
    let from: string | null = null;
    const issue: Transition[] = [];
    const record = (to: string) => {
      issue.push({ forge: 'gitlab', project: '1', iid, from, to, at: new Date(at).toISOString(), actor: 'ie', source: 'webhook', kind, segment });
      if (!to.startsWith('+') && !to.startsWith('-')) from = to;
    };
    // 8–10 stage moves, sometimes a pause, so about 10 transitions per issue.
    for (const stage of PATH.slice(0, 8 + Math.floor(random() * 3))) {
      at += random() * 6 * DAY;
      if (stage === 'deployment' && random() < 0.3) {
        record(overlayTo('status::blocked', true));
        at += random() * 4 * DAY;
        record(overlayTo('status::blocked', false));
      }
      record(stage);
    }
    produced += issue.length;
    yield issue;
  }
}

async function fill(store: SqliteStore, count: number): Promise<number> {
  let batch: Transition[] = [];
  let total = 0;
  for (const issue of engagements(count)) {
    batch.push(...issue);
    if (batch.length >= 20_000) {
      total += await store.recordTransitions(batch);
      batch = [];
    }
  }
  return total + (await store.recordTransitions(batch));
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function measure(size: number) {
  const dir = mkdtempSync(join(tmpdir(), 'bk-bench-metrics-'));
  const store = new SqliteStore({ path: join(dir, 'bench.sqlite'), synchronous: 'normal' });
  await store.migrate();
  const filledAt = performance.now();
  const stored = await fill(store, size);
  const fillMs = performance.now() - filledAt;
  const app = Fastify();
  await app.register(metricsRoutes, { store, config: configSchema.parse({ durations: { cacheSeconds: 3600 } }) });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `${address}/metrics?kind=implementation`;
  // CPU time next to wall time: on a shared machine the wall clock also measures the neighbours.
  const timed = async () => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const response = await fetch(url);
    const body = await response.text();
    if (!response.ok) throw new Error(`${response.status} ${body}`);
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, bytes: body.length };
  };
  const cold = await timed();
  const warm: number[] = [];
  const warmCpu: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const { ms, cpuMs } = await timed();
    warm.push(ms);
    warmCpu.push(cpuMs);
  }
  warm.sort((a, b) => a - b);
  warmCpu.sort((a, b) => a - b);
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    size,
    stored,
    fillMs,
    coldMs: cold.ms,
    p50: percentile(warm, 0.5),
    p95: percentile(warm, 0.95),
    cpuP50: percentile(warmCpu, 0.5),
    bytes: cold.bytes,
  };
}

const results = [];
for (const size of SIZES) {
  const result = await measure(size);
  results.push(result);
  console.log(
    `${String(result.stored).padStart(8)} transitions: fill ${(result.fillMs / 1000).toFixed(1)} s | ` +
      `cold (reads store) ${result.coldMs.toFixed(0)} ms | warm p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms, CPU p50 ${result.cpuP50.toFixed(1)} ms | ` +
      `${(result.bytes / 1024).toFixed(0)} KiB JSON`,
  );
}
for (let i = 1; i < results.length; i++) {
  const [a, b] = [results[i - 1]!, results[i]!];
  const factor = b.stored / a.stored;
  console.log(
    `×${factor.toFixed(1)} data: cold ×${(b.coldMs / a.coldMs).toFixed(1)}, warm p50 ×${(b.p50 / a.p50).toFixed(1)}, ` +
      `CPU p50 ×${(b.cpuP50 / a.cpuP50).toFixed(1)} (linear would be ×${factor.toFixed(1)})`,
  );
}
const largest = results.at(-1)!;
console.log(
  `aim: warm p50 < 200 ms at the largest size → ${largest.p50 < 200 ? 'met' : 'NOT met'} (${largest.p50.toFixed(0)} ms wall, ${largest.cpuP50.toFixed(0)} ms CPU; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`,
);
