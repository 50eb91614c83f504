import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsReport } from '../../src/metrics/contract.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { spawnServer, type ServerProcess } from '../support/process.js';
import { fillSyntheticBoard } from '../support/synthetic-board.js';

const dir = mkdtempSync(join(tmpdir(), 'bk-metrics-snapshot-'));
const env = { BOARDKEEPER_DB_PATH: join(dir, 'bk.db'), BOARDKEEPER_CONFIG: join(dir, 'empty.yml') };
let server: ServerProcess;
let issueCount = 0;

beforeAll(async () => {
  // An empty config file, so the repo's sample config does not apply.
  writeFileSync(env.BOARDKEEPER_CONFIG, '');
  const store = new SqliteStore({ path: env.BOARDKEEPER_DB_PATH, synchronous: 'normal' });
  await store.migrate();
  await fillSyntheticBoard(store, 100_000);
  issueCount = new Set((await store.transitions({})).map((t) => t.iid)).size;
  await store.close();
  server = await spawnServer(env);
});
afterAll(async () => {
  await server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('serve while the metrics snapshot builds', () => {
  it('answers /healthz while the first /metrics waits for a table of 100k transitions', async () => {
    let metricsAnsweredMs: number | null = null;
    const metrics = fetch(`${server.url}/metrics`).then(async (response) => {
      const report = (await response.json()) as MetricsReport;
      metricsAnsweredMs = Date.now();
      return report;
    });
    // One probe after the other; those answered while /metrics is outstanding note when they were
    // sent (this machine's clock, the server's too).
    const probes: { sentMs: number }[] = [];
    while (metricsAnsweredMs === null) {
      const sentMs = Date.now();
      const response = await fetch(`${server.url}/healthz`);
      expect(response.status).toBe(200);
      await response.text();
      if (metricsAnsweredMs === null) probes.push({ sentMs });
    }
    const report = await metrics;
    expect(report.issues.total).toBe(issueCount);
    // The table is as of the instant its build began (the service warms it up at start). Probes
    // sent after that and answered before /metrics were served during the build: with the event
    // loop blocked by it, at most one could slip in before the report, and none after that one.
    const buildStartMs = Date.parse(report.generatedAt);
    const duringBuild = probes.filter((probe) => probe.sentMs >= buildStartMs);
    expect(duringBuild.length).toBeGreaterThanOrEqual(2);
  });
});
