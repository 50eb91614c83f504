import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LeaseLostError, type JobContext, type LeasedJob, type Schedule } from '../../../src/jobs/job.js';
import { runLeasedJob } from '../../../src/jobs/run.js';
import { oncePerPeriod, sinceLastFinish } from '../../../src/jobs/schedules.js';
import { SqliteStore } from '../../../src/store/sqlite.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
let dir: string;
let store: SqliteStore;
let peer: SqliteStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bk-jobs-'));
  store = new SqliteStore({ path: join(dir, 'bk.db') });
  await store.migrate();
  peer = new SqliteStore({ path: join(dir, 'bk.db') });
});
afterEach(async () => {
  await Promise.all([store.close(), peer.close()]);
  rmSync(dir, { recursive: true, force: true });
});

function job(
  schedule: Schedule,
  run: (context: JobContext) => Promise<string> = async () => 'done',
): LeasedJob<string> {
  return { name: 'digest', schedule, leaseMs: 60_000, run };
}
const weekOf = (now: Date) => `week-${Math.floor(now.getTime() / (7 * 86_400_000))}`;
const at = (iso: string) => () => new Date(iso);

describe('runLeasedJob', () => {
  it('runs a due job with its context, records the period in its cursor, and frees the lease', async () => {
    let seen: JobContext | null = null;
    const weekly = job(oncePerPeriod(weekOf, 3_600_000), async (context) => {
      seen = context;
      expect(await context.stillHeld()).toBe(true);
      expect(await context.setCursor('digest.sentTo', 'ops')).toBe(true);
      return 'sent';
    });
    const run = await runLeasedJob(weekly, { store, holder: 'a', log: quiet, now: at('2026-12-03T12:00:00Z') });
    expect(run).toMatchObject({ status: 'ran', result: 'sent' });
    expect(seen!.hold).toEqual({ name: 'digest', holder: 'a' });
    expect(seen!.now().toISOString()).toBe('2026-12-03T12:00:00.000Z');
    expect(seen!.signal.aborted).toBe(false);
    expect(await store.getCursor('digest.period')).toBe(weekOf(new Date('2026-12-03T12:00:00Z')));
    expect(await store.getCursor('digest.sentTo')).toBe('ops');
    // Freed: another holder gets it at once.
    expect(await peer.holdLease({ name: 'digest', holder: 'b' }, 60_000)).toBe(true);
  });

  it('runs once per calendar period across holders: the next holder in the same week finds it not due', async () => {
    const runs: string[] = [];
    const weekly = (holder: string) => job(oncePerPeriod(weekOf, 3_600_000), async () => `${runs.push(holder)}`);
    const thursday = at('2026-12-03T12:00:00Z');
    expect((await runLeasedJob(weekly('a'), { store, holder: 'a', log: quiet, now: thursday })).status).toBe('ran');
    expect(
      await runLeasedJob(weekly('b'), { store: peer, holder: 'b', log: quiet, now: at('2026-12-04T09:00:00Z') }),
    ).toEqual({ status: 'not-due' });
    expect(
      (await runLeasedJob(weekly('b'), { store: peer, holder: 'b', log: quiet, now: at('2026-12-11T09:00:00Z') }))
        .status,
    ).toBe('ran');
    expect(runs).toEqual(['a', 'b']);
  });

  it('is not due until the gap since the last finish has passed', async () => {
    const hourly = job(sinceLastFinish(3_600_000, 60_000));
    expect(
      (await runLeasedJob(hourly, { store, holder: 'a', log: quiet, now: at('2026-12-03T12:00:00Z') })).status,
    ).toBe('ran');
    expect(
      (await runLeasedJob(hourly, { store, holder: 'a', log: quiet, now: at('2026-12-03T12:30:00Z') })).status,
    ).toBe('not-due');
    expect(
      (await runLeasedJob(hourly, { store, holder: 'a', log: quiet, now: at('2026-12-03T13:00:00Z') })).status,
    ).toBe('ran');
  });

  it('does not run while another holder has the lease', async () => {
    expect(await peer.holdLease({ name: 'digest', holder: 'other' }, 60_000)).toBe(true);
    let ran = false;
    const run = await runLeasedJob(
      job(sinceLastFinish(0, 60_000), async () => `${(ran = true)}`),
      { store, holder: 'a', log: quiet },
    );
    expect(run).toEqual({ status: 'held-elsewhere' });
    expect(ran).toBe(false);
  });

  it('taken over mid-run: keepLease throws, the signal aborts, and neither its cursors nor the period are written', async () => {
    let signal: AbortSignal | null = null;
    const stalling = job(oncePerPeriod(weekOf, 3_600_000), async (context) => {
      signal = context.signal;
      // This holder stalls past its lease and another takes over.
      await peer.holdLease({ name: 'digest', holder: 'a' }, 0);
      await peer.holdLease({ name: 'digest', holder: 'b' }, 60_000);
      expect(await context.setCursor('digest.sentTo', 'ops')).toBe(false);
      await context.keepLease();
      return 'sent';
    });
    await expect(runLeasedJob(stalling, { store, holder: 'a', log: quiet })).rejects.toBeInstanceOf(LeaseLostError);
    expect(signal!.aborted).toBe(true);
    expect(await store.getCursor('digest.period')).toBeNull();
    expect(await store.getCursor('digest.sentTo')).toBeNull();
    // The successor keeps its lease: the stalled holder did not free it.
    expect(await peer.holdLease({ name: 'digest', holder: 'b' }, 60_000)).toBe(true);
    expect(await store.holdLease({ name: 'digest', holder: 'a' }, 60_000)).toBe(false);
  });

  it('a job that fails records no period (it is due again) and frees the lease', async () => {
    const failing = job(oncePerPeriod(weekOf, 3_600_000), async () => {
      throw new Error('smtp down');
    });
    await expect(runLeasedJob(failing, { store, holder: 'a', log: quiet })).rejects.toThrow('smtp down');
    expect(await store.getCursor('digest.period')).toBeNull();
    expect(await peer.holdLease({ name: 'digest', holder: 'b' }, 60_000)).toBe(true);
  });

  it('passes on the scheduler stopping as an aborted signal', async () => {
    const stopping = new AbortController();
    const run = await runLeasedJob(
      job(sinceLastFinish(0, 60_000), async (context) => {
        stopping.abort();
        return String(context.signal.aborted);
      }),
      { store, holder: 'a', log: quiet, signal: stopping.signal },
    );
    expect(run).toMatchObject({ status: 'ran', result: 'true' });
  });
});
