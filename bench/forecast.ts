/**
 * `npm run bench:forecast`: how honest and how costly the go-live forecasts are.
 *
 * 1. Backtest on the demo's quarter and on a board with skewed, long-tailed stage times: engagements
 *    are replayed as of past instants and forecast from what was known then (bench/forecast/backtest.ts:
 *    board snapshots every few days, and each finished implementation at fixed fractions of its
 *    duration). Calibration: the share of actual go-lives on or before the P85 date (aim 80–90 %);
 *    accuracy: the median absolute error of the P50 date against the naive baseline (median
 *    duration finished by then minus time elapsed), which the forecast must beat on the snapshots.
 * 2. Cost: the metrics table build (where forecasts are made) for 1,000 open engagements with
 *    10,000 draws each, against the same build with 100 draws, interleaved.
 */
import { loadavg } from 'node:os';
import { configSchema } from '../src/config/schema.js';
import { computeIssues } from '../src/metrics/durations/issue-metrics.js';
import { issueFacts } from '../src/metrics/durations/issue-facts.js';
import { forecastColumns } from '../src/metrics/forecast/columns.js';
import { metricsSettings } from '../src/metrics/durations/settings.js';
import { buildTable } from '../src/metrics/table/table.js';
import { backtest, SNAPSHOT_DAYS } from './forecast/backtest.js';
import { demoQuarter, skewedBoard } from './forecast/boards.js';
import { median, printTable, saveResult } from './support.js';

const DEMO_ISSUES = Number(process.env.BENCH_DEMO_ISSUES ?? 160);
const SKEWED_ISSUES = Number(process.env.BENCH_SKEWED_ISSUES ?? 400);
const OPEN_ENGAGEMENTS = 1_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const settings = metricsSettings(configSchema.parse({}));
const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

console.log(
  `load average before: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const demo = demoQuarter(DEMO_ISSUES);
const skewedEndMs = Date.parse('2027-01-01T00:00:00Z');
const skewed = skewedBoard({ count: SKEWED_ISSUES, spanDays: 540, endMs: skewedEndMs });
const boards = (['snapshots', 'fractions'] as const).flatMap((replay) => [
  {
    board: `demo quarter (${DEMO_ISSUES} engagements, seed 2027)`,
    replay,
    ...backtest(demo.transitions, settings, demo.endMs, replay),
  },
  {
    board: `skewed, long-tailed (${SKEWED_ISSUES} engagements)`,
    replay,
    ...backtest(skewed, settings, skewedEndMs, replay),
  },
]);
printTable(
  boards.map((b) => ({
    board: b.board,
    replay: b.replay === 'snapshots' ? `every ${SNAPSHOT_DAYS} days` : 'at fractions',
    'finished (running at end)': `${b.finishedEngagements} (${b.runningAtEnd})`,
    forecasts: b.forecasts,
    'too little history': b.tooLittleHistory,
    'outcome unknown': b.outcomeUnknown,
    'go-live ≤ P85': percent(b.withinP85),
    'go-live ≤ P50': percent(b.withinP50),
    'P50 error (median, days)': b.p50ErrorDays.toFixed(2),
    'baseline error (days)': b.baselineErrorDays.toFixed(2),
    'beats baseline': b.p50ErrorDays < b.baselineErrorDays ? 'yes' : 'NO',
  })),
);

// Cost: 1,000 engagements that entered deployment in the last ten days, 3,000 older ones behind them.
const costEndMs = skewedEndMs;
const costBoard = [
  ...skewedBoard({ count: 3_000, spanDays: 720, endMs: costEndMs, seed: 11, project: 'past' }),
  ...skewedBoard({ count: 1_400, spanDays: 10, endMs: costEndMs, seed: 12, project: 'recent' }),
];
const issues = computeIssues(issueFacts(costBoard, []), settings, costEndMs);
const open = issues.filter((issue) => issue.durations.get(settings.kpi)?.state === 'open').slice(0, OPEN_ENGAGEMENTS);
const finished = issues.filter((issue) => issue.durations.get(settings.kpi)?.state === 'finished');
const sample = [...finished, ...open];
const light = { ...settings, forecast: { ...settings.forecast, draws: 100 } };
const timings = {
  full: [] as number[],
  light: [] as number[],
  forecastOnly: [] as number[],
  forecastOnlyCpu: [] as number[],
};
const time = (run: () => unknown) => {
  const started = performance.now();
  run();
  return performance.now() - started;
};
/** CPU time of this thread's process: on a shared, loaded machine the wall clock also counts waiting for a core. */
const cpuTime = (run: () => unknown) => {
  const started = process.cpuUsage();
  run();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
};
for (let round = 0; round < ROUNDS; round++) {
  timings.full.push(time(() => buildTable(sample, settings, costEndMs)));
  timings.light.push(time(() => buildTable(sample, light, costEndMs)));
  timings.forecastOnly.push(time(() => forecastColumns(sample, settings, costEndMs)));
  timings.forecastOnlyCpu.push(cpuTime(() => forecastColumns(sample, settings, costEndMs)));
}
const cost = {
  openEngagements: open.length,
  finishedEngagements: finished.length,
  draws: settings.forecast.draws,
  buildWithForecastsMs: median(timings.full),
  buildWith100DrawsMs: median(timings.light),
  forecastsOnlyMs: median(timings.forecastOnly),
  forecastsOnlyCpuMs: median(timings.forecastOnlyCpu),
};
console.log(
  `\ncost: ${cost.openEngagements} open engagements × ${cost.draws} draws (history: ${cost.finishedEngagements} finished), median of ${ROUNDS} rounds\n` +
    `  table build with forecasts: ${cost.buildWithForecastsMs.toFixed(0)} ms (with 100 draws: ${cost.buildWith100DrawsMs.toFixed(0)} ms)\n` +
    `  forecasts alone: ${cost.forecastsOnlyMs.toFixed(0)} ms wall, ${cost.forecastsOnlyCpuMs.toFixed(0)} ms CPU (${((cost.forecastsOnlyCpuMs * 1000) / (cost.openEngagements * cost.draws)).toFixed(3)} µs CPU per draw)`,
);
const load = loadavg();
console.log(`load average after: ${load.map((l) => l.toFixed(2)).join(' ')}`);
console.log(`saved ${saveResult('forecast', { boards, cost, load, timings })}`);
process.exitCode = boards.every((b) => b.replay !== 'snapshots' || b.p50ErrorDays < b.baselineErrorDays) ? 0 : 1;
