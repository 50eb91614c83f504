/**
 * `npm run bench:metrics`: fills a SQLite store with 10k, 100k and 1M transitions (about 10 per
 * issue), starts `boardkeeper serve` on a copy of it and times GET /metrics?kind=implementation over
 * HTTP: the first request (cold: waits for the table build), warm requests (p50/p99), and the
 * incremental refresh after N new transitions (from their commit to the first answer that shows
 * them). A probe requests /healthz back to back meanwhile; its slowest answer is the longest time
 * intake could not have answered a webhook. The build's CPU time is the serve process's CPU time
 * over the cold request (the machine may be shared: wall time grows with its load, CPU time less).
 *
 * Env: BENCH_SIZES (default 10000,100000,1000000), BENCH_REQUESTS (30), BENCH_NEW (1000 new
 * transitions), BENCH_DB_DIR (where generated stores are kept between runs), BENCH_BASELINE (a
 * directory with another checkout's `src/`, e.g. main's, measured interleaved with this one).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../src/config/schema.js';
import { LocalMetrics } from '../src/metrics/runtime/local-metrics.js';
import { metricsSettings } from '../src/metrics/durations/settings.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { fillSyntheticBoard, syntheticEngagements } from '../test/support/synthetic-board.js';
import { launch, ROOT } from './support.js';

const SIZES = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 30);
const NEW_TRANSITIONS = Number(process.env.BENCH_NEW ?? 1000);
const DB_DIR = process.env.BENCH_DB_DIR ?? join(tmpdir(), 'bk-bench-metrics-stores');
const BASELINE = process.env.BENCH_BASELINE;

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function timedGet(url: string): Promise<{ ms: number; body: string }> {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.text();
  if (!response.ok) throw new Error(`${url}: ${response.status} ${body}`);
  return { ms: performance.now() - started, body };
}

/** /healthz latencies, one request after the other, until `done` settles. */
async function probeUntil(url: string, done: Promise<unknown>): Promise<number[]> {
  let settled = false;
  void done.finally(() => (settled = true));
  const latencies: number[] = [];
  while (!settled) latencies.push((await timedGet(url)).ms);
  return latencies;
}

/** CPU seconds the process has used so far (Linux), for the serve process's build cost. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** A generated store of about `size` transitions, made once and kept in DB_DIR. */
async function generated(size: number): Promise<{ path: string; stored: number }> {
  mkdirSync(DB_DIR, { recursive: true });
  const path = join(DB_DIR, `synthetic-${size}.sqlite`);
  const store = new SqliteStore({ path, synchronous: 'normal' });
  await store.migrate();
  if (!existsSync(`${path}.done`)) {
    console.log(`generating ${size} transitions into ${path} (kept for later runs)…`);
    await fillSyntheticBoard(store, size);
    writeFileSync(`${path}.done`, '');
  }
  const stored = await count(store);
  await store.close();
  return { path, stored };
}

async function count(store: SqliteStore): Promise<number> {
  let total = 0;
  for (let cursor = { transitions: 0, states: 0 }; ; ) {
    const changes = await store.changesSince(cursor, 100_000);
    total += changes.transitions.length;
    cursor = changes.cursor;
    if (changes.transitions.length < 100_000) return total;
  }
}

const total = (body: string) => (JSON.parse(body) as { issues: { total: number } }).issues.total;

async function measure(name: string, cli: string, source: string, stored: number) {
  const dir = mkdtempSync(join(tmpdir(), 'bk-bench-metrics-'));
  const path = join(dir, 'bench.sqlite');
  copyFileSync(source, path);
  const server = await launch([cli, 'serve', '--port', '0', '--host', '127.0.0.1'], { BOARDKEEPER_DB_PATH: path });
  try {
    const url = `${server.url}/metrics?kind=implementation`;
    const health = `${server.url}/healthz`;
    // Warm the connection and the probe's code paths so the first probe measures the server.
    await timedGet(health);
    const cpuBefore = cpuMs(server.pid);
    const coldRequest = timedGet(url);
    const coldProbes = await probeUntil(health, coldRequest);
    const cold = await coldRequest;
    const buildCpuMs = cpuMs(server.pid) - cpuBefore;
    const warm: number[] = [];
    const warmRequests = (async () => {
      for (let i = 0; i < REQUESTS; i++) warm.push((await timedGet(url)).ms);
    })();
    const warmProbes = await probeUntil(health, warmRequests);
    await warmRequests;
    // New engagements (issues no one has seen) committed by another connection, as the engine thread would.
    const before = total(cold.body);
    const writer = new SqliteStore({ path, synchronous: 'normal' });
    const added = [...syntheticEngagements(NEW_TRANSITIONS)].flat().map((t) => ({ ...t, iid: t.iid + 10_000_000 }));
    await writer.recordTransitions(added);
    await writer.close();
    const committedAt = performance.now();
    const refreshed = (async () => {
      while (total((await timedGet(url)).body) === before) await new Promise((resolve) => setTimeout(resolve, 5));
      return performance.now() - committedAt;
    })();
    const refreshProbes = await probeUntil(health, refreshed);
    warm.sort((a, b) => a - b);
    coldProbes.sort((a, b) => a - b);
    warmProbes.sort((a, b) => a - b);
    return {
      name,
      stored,
      coldMs: cold.ms,
      buildCpuMs,
      p50: percentile(warm, 0.5),
      p99: percentile(warm, 0.99),
      bytes: cold.body.length,
      coldProbes: coldProbes.length,
      stallMs: coldProbes.at(-1) ?? 0,
      warmStallMs: warmProbes.at(-1) ?? 0,
      warmProbeP50: percentile(warmProbes, 0.5),
      added: added.length,
      refreshMs: await refreshed,
      refreshStallMs: Math.max(0, ...refreshProbes),
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const targets: [name: string, cli: string][] = [
  ...(BASELINE ? ([['baseline', join(BASELINE, 'src/cli.ts')]] as [string, string][]) : []),
  ['this', join(ROOT, 'src/cli.ts')],
];
for (const size of SIZES) {
  const { path, stored } = await generated(size);
  for (const [name, cli] of targets) {
    const r = await measure(name, cli, path, stored);
    console.log(
      `${String(r.stored).padStart(8)} transitions, ${r.name.padEnd(8)}: cold ${r.coldMs.toFixed(0)} ms (serve CPU ${r.buildCpuMs.toFixed(0)} ms) | ` +
        `warm p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms | ${(r.bytes / 1024).toFixed(0)} KiB | ` +
        `+${r.added} transitions shown after ${r.refreshMs.toFixed(0)} ms | worst /healthz: cold build ${r.stallMs.toFixed(0)} ms ` +
        `(${r.coldProbes} probes), warm ${r.warmStallMs.toFixed(0)} ms (p50 ${r.warmProbeP50.toFixed(1)} ms), refresh ${r.refreshStallMs.toFixed(0)} ms | ` +
        `load ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`,
    );
  }
  if (!process.env.BENCH_SKIP_REFRESH) console.log(await refreshInProcess(path, stored));
}

/**
 * The table's own cost on this thread, without HTTP: a full build, then N new transitions taken in
 * at the same instant (what a request after new webhooks waits for), then a move to a new instant
 * (every issue recomputed from memory, as after `durations.cacheSeconds`).
 */
async function refreshInProcess(source: string, stored: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bk-bench-metrics-'));
  const path = join(dir, 'bench.sqlite');
  copyFileSync(source, path);
  const store = new SqliteStore({ path, synchronous: 'normal' });
  const engine = new LocalMetrics(store, metricsSettings(configSchema.parse({})));
  const timed = async (work: () => Promise<unknown>) => {
    const [wall, cpu] = [performance.now(), process.cpuUsage()];
    await work();
    const used = process.cpuUsage(cpu);
    return `${(performance.now() - wall).toFixed(0)} ms (CPU ${((used.user + used.system) / 1000).toFixed(0)} ms)`;
  };
  try {
    const asOfMs = Date.now();
    const full = await timed(() => engine.refresh(asOfMs));
    const added = await store.recordTransitions([...syntheticEngagements(NEW_TRANSITIONS)].flat().map((t) => ({ ...t, iid: t.iid + 10_000_000 })));
    const incremental = await timed(() => engine.refresh(asOfMs));
    const moved = await timed(() => engine.refresh(asOfMs + 60_000));
    return (
      `${String(stored).padStart(8)} transitions, in process: full build ${full} | +${added} transitions at the same instant ${incremental} | ` +
      `a new instant ${moved} | heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB | load ${loadavg()[0]!.toFixed(1)}`
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
