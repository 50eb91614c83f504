/**
 * One in-process measurement of the metrics table for bench/metrics.ts, in a process of its own so
 * the heap it reports is this table's alone: a full build, N new transitions taken in at the same
 * instant (what a request after new webhooks waits for), then a move to a new instant (as after
 * `durations.cacheSeconds`). CPU times are this process's; the heap is what stays live after a GC.
 * Usage (run with --expose-gc): tsx bench/metrics-refresh.ts ROOT STORE NEW_TRANSITIONS [DRAWS]
 * ROOT is the checkout whose src/ is measured (this one or BENCH_BASELINE).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticEngagements } from '../test/support/synthetic-board.js';

const [root, source, count, draws] = process.argv.slice(2);
if (!root || !source || !count) throw new Error('usage: bench/metrics-refresh.ts ROOT STORE NEW_TRANSITIONS [DRAWS]');
const { configSchema } = (await import(join(root, 'src/config/schema.ts'))) as typeof import('../src/config/schema.js');
const { LocalMetrics } = (await import(
  join(root, 'src/metrics/runtime/local-metrics.ts')
)) as typeof import('../src/metrics/runtime/local-metrics.js');
const { metricsSettings } = (await import(
  join(root, 'src/metrics/durations/settings.ts')
)) as typeof import('../src/metrics/durations/settings.js');
const { SqliteStore } = (await import(join(root, 'src/store/sqlite.ts'))) as typeof import('../src/store/sqlite.js');

const dir = mkdtempSync(join(tmpdir(), 'bk-bench-metrics-'));
const path = join(dir, 'bench.sqlite');
copyFileSync(source, path);
const store = new SqliteStore({ path, synchronous: 'normal' });
const config = configSchema.parse(draws ? { forecast: { draws: Number(draws) } } : {});
const engine = new LocalMetrics(store, metricsSettings(config));
const timed = async (work: () => Promise<unknown>) => {
  const [wall, cpu] = [performance.now(), process.cpuUsage()];
  await work();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 };
};
try {
  const asOfMs = Date.now();
  const full = await timed(() => engine.refresh(asOfMs));
  const added = await store.recordTransitions(
    [...syntheticEngagements(Number(count))].flat().map((t) => ({ ...t, iid: t.iid + 10_000_000 })),
  );
  const incremental = await timed(() => engine.refresh(asOfMs));
  const moved = await timed(() => engine.refresh(asOfMs + 60_000));
  (globalThis as { gc?: () => void }).gc?.();
  console.log(
    JSON.stringify({
      full,
      added,
      incremental,
      moved,
      heapMiB: process.memoryUsage().heapUsed / 2 ** 20,
      load: loadavg()[0],
    }),
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
