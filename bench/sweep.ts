/**
 * `npm run bench:sweep`: one sweep of the time-driven policies over 10,000 open engagements, in a
 * SQLite store and then in PostgreSQL (BENCH_STORES=sqlite to skip it), live against the forge simulator. The first sweep acts on the engagements past
 * a threshold (5 % of them) and stores every issue's policy memory once; later sweeps find
 * nothing changed and must make no API call. As a baseline, interleaved with the sweeps on the
 * same data, the same read + per-issue metrics the sweep starts with (what /metrics computes).
 * Prints medians and the sweep / baseline ratio with the load average.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { noAlerts } from '../src/alerts/alert.js';
import { configSchema } from '../src/config/schema.js';
import { startForgeSimulator } from '../src/demo/simulator/index.js';
import type { IssueState, Transition } from '../src/domain/types.js';
import { createForgeClients } from '../src/forges/clients.js';
import { computeIssues } from '../src/metrics/durations/issue-metrics.js';
import { issueFacts } from '../src/metrics/durations/issue-facts.js';
import { metricsSettings } from '../src/metrics/durations/settings.js';
import { SqliteStore } from '../src/store/sqlite.js';
import type { Store } from '../src/store/store.js';
import { runSchema } from '../test/support/postgres.js';
import { runSweep } from '../src/sweep/run.js';
import { median, printTable, saveResult } from './support.js';

const ISSUES = Number(process.env.BENCH_ISSUES ?? 10_000);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const AT_RISK_EVERY = 20;
const DAY = 86_400_000;
const STAGES = ['intake', 'triage', 'discovery', 'estimate', 'sow-signed', 'kickoff', 'deployment'];

/** Engagement i: every 20th is 25 days into implementation (at risk), the rest on their way through the board. */
function engagement(iid: number, nowMs: number): { state: IssueState; transitions: Transition[] } {
  const ref = { forge: 'gitlab' as const, project: '42', iid };
  const atRisk = iid <= ISSUES / AT_RISK_EVERY;
  const reached = atRisk ? STAGES.length : 1 + (iid % (STAGES.length - 1));
  const at = (daysAgo: number) => new Date(nowMs - daysAgo * DAY).toISOString();
  const transitions = STAGES.slice(0, reached).map(
    (stage, i): Transition => ({
      ...ref,
      from: i === 0 ? null : STAGES[i - 1]!,
      to: stage,
      at: at(atRisk ? 25 + (STAGES.length - 1 - i) * 2 : 12 - i),
      actor: 'ie',
      source: 'webhook',
      kind: 'sow-request',
    }),
  );
  const stage = STAGES[reached - 1]!;
  return {
    state: {
      ref,
      kind: 'sow-request',
      stage,
      stageBeforeHold: null,
      stageBeforeClose: null,
      labels: [`stage::${stage}`, 'type::sow-request'],
      commentDigest: null,
      segment: 'enterprise',
      title: `SOW ${iid}`,
      createdAt: transitions[0]!.at,
      closedAt: null,
      updatedAt: at(1),
      extra: { activity: { personAt: at(1) } },
    },
    transitions,
  };
}

async function measure(kind: string, store: Store) {
  const simulator = await startForgeSimulator({ secrets: { gitlab: 'bench', github: 'bench' } });
  try {
    const nowMs = Date.now();
    // Only the engagements the sweep acts on need to exist on the forge (iids 1…500).
    for (let iid = 1; iid <= ISSUES / AT_RISK_EVERY; iid++)
      simulator.model.open({
        forge: 'gitlab',
        title: `SOW ${iid}`,
        body: '',
        labels: [],
        author: 'ae',
        at: nowMs - 40 * DAY,
      });
    await store.migrate();
    const seeded = Array.from({ length: ISSUES }, (_, i) => engagement(i + 1, nowMs));
    for (const { state } of seeded) await store.putIssueState(state);
    await store.recordTransitions(seeded.flatMap((s) => s.transitions));

    const config = configSchema.parse({ gitlab: { url: simulator.gitlabUrl, token: 'glpat-bench' }, dryRun: false });
    const clients = createForgeClients(config, { info: () => {} });
    const sweep = async () => {
      const before = simulator.counters.requests;
      const started = performance.now();
      const report = await runSweep({ config, store, clients, alerter: noAlerts, holder: 'bench' });
      return {
        ms: performance.now() - started,
        apiCalls: simulator.counters.requests - before,
        changes: report!.rows.length,
      };
    };
    const settings = metricsSettings(config);
    const baseline = async () => {
      const started = performance.now();
      const [states, transitions] = await Promise.all([store.issueStates({}), store.transitions({})]);
      computeIssues(issueFacts(transitions, states), settings, Date.now());
      return performance.now() - started;
    };

    const first = await sweep();
    const quiet: number[] = [];
    const baselines: number[] = [];
    const quietCalls: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      baselines.push(await baseline());
      const again = await sweep();
      quiet.push(again.ms);
      quietCalls.push(again.apiCalls);
    }
    return [
      {
        store: kind,
        run: 'first sweep (acts, stores every memory)',
        issues: ISSUES,
        ms: Math.round(first.ms),
        apiCalls: first.apiCalls,
        rows: first.changes,
      },
      {
        store: kind,
        run: `sweep, nothing changed (median of ${ROUNDS})`,
        issues: ISSUES,
        ms: Math.round(median(quiet)),
        apiCalls: Math.max(...quietCalls),
        rows: 0,
      },
      {
        store: kind,
        run: `baseline: read + metrics per issue (median of ${ROUNDS})`,
        issues: ISSUES,
        ms: Math.round(median(baselines)),
        apiCalls: 0,
        rows: 0,
      },
    ];
  } finally {
    await store.close();
    await simulator.close();
  }
}

const rows = [];
if (STORES.includes('sqlite')) {
  const dir = mkdtempSync(join(tmpdir(), 'bk-bench-sweep-'));
  try {
    rows.push(...(await measure('sqlite', new SqliteStore({ path: join(dir, 'bench.db'), synchronous: 'normal' }))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (STORES.includes('postgres')) {
  const schema = await runSchema('bench_sweep');
  try {
    rows.push(...(await measure('postgres', schema.observe())));
  } finally {
    await schema.drop();
  }
}
const load = loadavg()
  .map((n) => n.toFixed(2))
  .join(' ');
printTable(rows);
for (const kind of STORES) {
  const [, quiet, baseline] = rows.filter((row) => row.store === kind);
  if (!quiet || !baseline) continue;
  console.log(
    `${kind}: quiet sweep / baseline ${(quiet.ms / baseline.ms).toFixed(2)}${quiet.ms > 5_000 ? ' (over the 5 s aim)' : ''}${quiet.apiCalls > 0 ? ' (API calls with nothing to do!)' : ''}`,
  );
}
console.log(`load average ${load} on ${cpus().length} cores`);
console.log(`saved ${saveResult('sweep', { issues: ISSUES, rows, load, cores: cpus().length })}`);
