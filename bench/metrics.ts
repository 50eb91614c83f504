/**
 * `npm run bench:metrics`: fills a SQLite store with 10k, 100k and 1M transitions (about 10 per
 * issue), starts `boardkeeper serve` on it and times GET /metrics?kind=implementation over HTTP.
 * Prints the first (cold: builds the table snapshot) and warm timings, how they grow with the
 * data, and how long the server's event loop was held up while the cold snapshot was built: a
 * probe requests /healthz back to back during the cold request, and its slowest answer is the
 * longest time intake could not have answered a webhook. The same probe runs during the warm
 * requests: what the event loop spends on each request's report, snapshot or not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/store/sqlite.js';
import { fillSyntheticBoard } from '../test/support/synthetic-board.js';
import { launch } from './support.js';

const SIZES = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 30);

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function timedGet(url: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.text();
  if (!response.ok) throw new Error(`${url}: ${response.status} ${body}`);
  return { ms: performance.now() - started, bytes: body.length };
}

/** /healthz latencies, one request after the other, until `done` settles. */
async function probeUntil(url: string, done: Promise<unknown>): Promise<number[]> {
  let settled = false;
  void done.finally(() => (settled = true));
  const latencies: number[] = [];
  while (!settled) latencies.push((await timedGet(url)).ms);
  return latencies;
}

async function measure(size: number) {
  const dir = mkdtempSync(join(tmpdir(), 'bk-bench-metrics-'));
  const path = join(dir, 'bench.sqlite');
  const store = new SqliteStore({ path, synchronous: 'normal' });
  await store.migrate();
  const filledAt = performance.now();
  const stored = await fillSyntheticBoard(store, size);
  const fillMs = performance.now() - filledAt;
  await store.close();
  const server = await launch(['src/cli.ts', 'serve', '--port', '0', '--host', '127.0.0.1'], { BOARDKEEPER_DB_PATH: path });
  try {
    const url = `${server.url}/metrics?kind=implementation`;
    // Warm the connection and the probe's code paths so the first probe measures the server.
    await timedGet(`${server.url}/healthz`);
    const coldRequest = timedGet(url);
    const probes = await probeUntil(`${server.url}/healthz`, coldRequest);
    const cold = await coldRequest;
    const warm: number[] = [];
    const warmRequests = (async () => {
      for (let i = 0; i < REQUESTS; i++) warm.push((await timedGet(url)).ms);
    })();
    const warmProbes = await probeUntil(`${server.url}/healthz`, warmRequests);
    await warmRequests;
    warm.sort((a, b) => a - b);
    probes.sort((a, b) => a - b);
    return {
      size,
      stored,
      fillMs,
      coldMs: cold.ms,
      p50: percentile(warm, 0.5),
      p95: percentile(warm, 0.95),
      bytes: cold.bytes,
      probes: probes.length,
      probeP50: percentile(probes, 0.5),
      stallMs: probes.at(-1) ?? 0,
      warmStallMs: Math.max(0, ...warmProbes),
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
for (const size of SIZES) {
  const result = await measure(size);
  results.push(result);
  console.log(
    `${String(result.stored).padStart(8)} transitions: fill ${(result.fillMs / 1000).toFixed(1)} s | ` +
      `cold (builds the snapshot) ${result.coldMs.toFixed(0)} ms | warm p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms | ` +
      `${(result.bytes / 1024).toFixed(0)} KiB JSON | during the cold build: ${result.probes} /healthz answered, ` +
      `p50 ${result.probeP50.toFixed(1)} ms, worst ${result.stallMs.toFixed(0)} ms; during warm requests worst ${result.warmStallMs.toFixed(0)} ms`,
  );
}
for (let i = 1; i < results.length; i++) {
  const [a, b] = [results[i - 1]!, results[i]!];
  const factor = b.stored / a.stored;
  console.log(
    `×${factor.toFixed(1)} data: cold ×${(b.coldMs / a.coldMs).toFixed(1)}, warm p50 ×${(b.p50 / a.p50).toFixed(1)} (linear would be ×${factor.toFixed(1)})`,
  );
}
const largest = results.at(-1)!;
console.log(
  `aim: warm p50 < 200 ms at the largest size → ${largest.p50 < 200 ? 'met' : 'NOT met'} (${largest.p50.toFixed(0)} ms); ` +
    `worst /healthz while the snapshot builds < 200 ms → ${largest.stallMs < 200 ? 'met' : 'NOT met'} (${largest.stallMs.toFixed(0)} ms); ` +
    `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
);
