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
 * directory with another checkout's `src/`, e.g. main's, measured interleaved with this one),
 * BENCH_SKIP_REFRESH (no in-process lines: bench/metrics-refresh.ts per target, with the default
 * forecast and with 100 draws, live heap after a GC).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
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
        `load ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')} on ${cpus().length} cores`,
    );
  }
  if (!process.env.BENCH_SKIP_REFRESH) printInProcess(stored, path);
}

interface InProcess {
  full: { wallMs: number; cpuMs: number };
  added: number;
  incremental: { wallMs: number; cpuMs: number };
  moved: { wallMs: number; cpuMs: number };
  heapMiB: number;
  load: number;
}

/** The table's own cost without HTTP (bench/metrics-refresh.ts), in a child process; `draws` overrides `forecast.draws`. */
function refreshInProcess(root: string, source: string, draws?: number): InProcess {
  const args = [
    '--expose-gc',
    '--import',
    'tsx',
    join(ROOT, 'bench/metrics-refresh.ts'),
    root,
    source,
    String(NEW_TRANSITIONS),
    ...(draws ? [String(draws)] : []),
  ];
  const out = execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 2 ** 24 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as InProcess;
}

function cost(t: { wallMs: number; cpuMs: number }): string {
  return `${t.wallMs.toFixed(0)} ms (CPU ${t.cpuMs.toFixed(0)} ms)`;
}
function ratio(value: number, baseline: number | undefined): string {
  return baseline === undefined ? '' : ` = ${(value / baseline).toFixed(2)}× baseline`;
}

/**
 * In-process figures of each target, with the default forecast and with the fewest draws
 * (`forecast.draws` 100), which tells the table's own cost from the Monte Carlo's. CPU ratios are
 * against the baseline measured just before, on the same load.
 */
function printInProcess(stored: number, source: string): void {
  for (const draws of [undefined, 100]) {
    let baseline: InProcess | undefined;
    for (const [name, cli] of targets) {
      const r = refreshInProcess(join(cli, '../..'), source, draws);
      if (name === 'baseline') baseline = r;
      console.log(
        `${String(stored).padStart(8)} transitions, ${name.padEnd(8)} in process${draws ? `, ${draws} draws` : ''}: full build ${cost(r.full)}${ratio(r.full.cpuMs, baseline?.full.cpuMs)} | ` +
          `+${r.added} transitions at the same instant ${cost(r.incremental)}${ratio(r.incremental.cpuMs, baseline?.incremental.cpuMs)} | ` +
          `a new instant ${cost(r.moved)}${ratio(r.moved.cpuMs, baseline?.moved.cpuMs)} | live heap ${r.heapMiB.toFixed(0)} MiB${ratio(r.heapMiB, baseline?.heapMiB)} | load ${r.load.toFixed(1)}`,
      );
    }
  }
}
