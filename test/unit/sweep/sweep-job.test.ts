import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { JobScheduler } from '../../../src/jobs/scheduler.js';
import { everyInterval } from '../../../src/jobs/schedules.js';
import type { SweepReport } from '../../../src/sweep/report.js';
import { sweepJob } from '../../../src/sweep/run.js';
import { eventually } from '../../support/service.js';
import { engagementInDeployment, seedEngagements } from '../../support/sweep-board.js';
import { recordingAlerter, recordingForge } from './fake-forge.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
let dir: string;
const stores: SqliteStore[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bk-sweeper-'));
  const store = new SqliteStore({ path: join(dir, 'bk.db') });
  stores.push(store);
  await store.migrate();
  await seedEngagements(
    store,
    [1, 2, 3, 4].map((iid) => engagementInDeployment(iid, 20 + iid * 3, Date.now())),
  );
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('the sweep as a scheduled leased job', () => {
  it('two processes sweeping one database on an interval: each forge change made once, every report handed on', async () => {
    const config = configSchema.parse({ sweep: { intervalMinutes: 0.001 } });
    const forge = recordingForge();
    const reports: SweepReport[] = [];
    const sweepers = ['serve', 'sweep-command'].map((holder) => {
      const store = new SqliteStore({ path: join(dir, 'bk.db') });
      stores.push(store);
      const job = sweepJob(
        { config, store, clients: { gitlab: forge.client, github: null }, alerter: recordingAlerter() },
        everyInterval(60),
      );
      return new JobScheduler([{ ...job, finished: (report: SweepReport) => reports.push(report) }], {
        store,
        holder,
        log: quiet,
      });
    });
    sweepers.forEach((sweeper) => sweeper.start());
    await eventually(() => reports.length >= 6, 'several sweeps between them', 20_000);
    await Promise.all(sweepers.map((sweeper) => sweeper.stop()));
    // Four engagements past day 21: labels and comment once each, whichever sweeper got there.
    expect(forge.calls.filter((call) => call.startsWith('labels'))).toHaveLength(4);
    expect(forge.calls.filter((call) => call.startsWith('comment'))).toHaveLength(4);
    expect(reports.flatMap((report) => report.rows).filter((row) => row.action.startsWith('alert'))).toHaveLength(4);
  }, 30_000);
});
