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
    const answered: string[] = [];
    let metricsDone = false;
    const metrics = fetch(`${server.url}/metrics`).then(async (response) => {
      const report = (await response.json()) as MetricsReport;
      answered.push('metrics');
      metricsDone = true;
      return report;
    });
    // One probe after the other: a blocked event loop would answer none of them before /metrics.
    while (!metricsDone) {
      const response = await fetch(`${server.url}/healthz`);
      expect(response.status).toBe(200);
      await response.text();
      if (!metricsDone) answered.push('healthz');
    }
    expect((await metrics).issues.total).toBe(issueCount);
    // The first probe may reach the server before /metrics does; later ones only arrive while it builds.
    expect(answered.indexOf('metrics')).toBeGreaterThanOrEqual(3);
  });
});
