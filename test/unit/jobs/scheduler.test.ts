import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LeasedJob } from '../../../src/jobs/job.js';
import { JobScheduler } from '../../../src/jobs/scheduler.js';
import { sinceLastFinish } from '../../../src/jobs/schedules.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { eventually } from '../../support/service.js';

let dir: string;
let store: SqliteStore;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bk-scheduler-'));
  store = new SqliteStore({ path: join(dir, 'bk.db') });
  await store.migrate();
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function recordingLog() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (fields: object, message?: string) =>
    void lines.push({ level, fields: fields as Record<string, unknown>, message: message ?? '' });
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('JobScheduler', () => {
  it('runs each job on its own timer, logs and hands on each result, and keeps going after a failure', async () => {
    const { lines, log } = recordingLog();
    const results: number[] = [];
    let counted = 0;
    let failures = 0;
    const counting: LeasedJob<number> = {
      name: 'count',
      schedule: sinceLastFinish(0, 20),
      leaseMs: 60_000,
      run: async () => ++counted,
      summarize: (n) => ({ n }),
      finished: (n) => results.push(n),
    };
    const failing: LeasedJob<never> = {
      name: 'fail',
      schedule: sinceLastFinish(0, 20),
      leaseMs: 60_000,
      run: async () => {
        failures++;
        throw new Error('boom');
      },
    };
    const scheduler = new JobScheduler([counting, failing], { store, holder: 'a', log, firstCheckWithinMs: 0 });
    scheduler.start();
    await eventually(() => results.length >= 3 && failures >= 2, 'several runs of each job');
    await scheduler.stop();
    const settled = results.length;
    expect(results.slice(0, 3)).toEqual([1, 2, 3]);
    expect(lines.find((line) => line.message === 'count finished')?.fields).toMatchObject({ job: 'count', n: 1 });
    expect(lines.find((line) => line.level === 'error')).toMatchObject({
      fields: { job: 'fail' },
      message: 'fail failed; trying again at its next check',
    });
    // Stopped: no run after stop() returned.
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(results).toHaveLength(settled);
  });
});
