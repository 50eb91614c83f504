import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { noAlerts } from '../../../src/alerts/alert.js';
import { configSchema } from '../../../src/config/schema.js';
import { SLA_MARKER } from '../../../src/policies/defaults.js';
import { ForgeError } from '../../../src/forges/errors.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { runSweep, SWEEP_LEASE, type SweepOptions } from '../../../src/sweep/run.js';
import { engagementInDeployment, seedEngagements } from '../../support/sweep-board.js';
import { recordingAlerter, recordingForge } from './fake-forge.js';

const NOW = Date.parse('2026-04-01T12:00:00Z');
const config = configSchema.parse({});

let dir: string;
let store: SqliteStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bk-sweep-'));
  store = new SqliteStore({ path: join(dir, 'bk.db') });
  await store.migrate();
  // 25 days into implementation (at risk), 5 days in (on track), 40 days in (breached).
  await seedEngagements(store, [
    engagementInDeployment(1, 25, NOW),
    engagementInDeployment(2, 5, NOW),
    engagementInDeployment(3, 40, NOW),
  ]);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function options(overrides: Partial<SweepOptions> = {}) {
  const forge = recordingForge();
  const alerter = recordingAlerter();
  const sweep: SweepOptions = {
    config,
    store,
    clients: { gitlab: forge.client, github: null },
    alerter,
    holder: 'test',
    now: () => new Date(NOW),
    ...overrides,
  };
  return { forge, alerter, sweep };
}

describe('runSweep', () => {
  it('acts on the issues past a threshold through the executor, audits as sweep, and alerts', async () => {
    const { forge, alerter, sweep } = options();
    const report = await runSweep(sweep);
    expect(report!.rows.map((r) => `${r.issue} ${r.policy} ${r.action} ${r.result}`)).toEqual([
      'gitlab:42#1 implementation-at-risk labels +sla::at-risk applied',
      `gitlab:42#1 implementation-at-risk comment ${SLA_MARKER} applied`,
      'gitlab:42#1 implementation-at-risk alert at-risk applied',
      'gitlab:42#3 implementation-breached labels +sla::breached applied',
      `gitlab:42#3 implementation-breached comment ${SLA_MARKER} applied`,
      'gitlab:42#3 implementation-breached alert breached applied',
    ]);
    expect(Date.parse(report!.startedAt)).toBe(NOW);
    expect(forge.labels.get('gitlab:42#1')).toEqual(new Set(['sla::at-risk']));
    expect(forge.comments.get('gitlab:42#3')?.get(SLA_MARKER)).toContain('day 40, 10 days past the 30-day target');
    expect(alerter.sent.map((a) => [a.kind, a.issue?.iid])).toEqual([
      ['at-risk', 1],
      ['breached', 3],
    ]);
    const audit = await store.audit({ limit: 100 });
    expect(audit).toHaveLength(4);
    expect(audit.every((e) => e.deliveryId === 'sweep' && e.result === 'applied')).toBe(true);
    expect(audit.map((e) => (e.detail as { reason: string }).reason)).toContain('policy: implementation-at-risk');
  });

  it('reports alerts as skipped when no receiver is configured (nothing was sent), the forge actions as applied', async () => {
    const report = await runSweep(options({ alerter: noAlerts }).sweep);
    const results = report!.rows.map((r) => `${r.action.split(' ')[0]} ${r.result}`);
    expect(results.filter((r) => r.startsWith('alert'))).toEqual(['alert skipped', 'alert skipped']);
    expect(results.filter((r) => !r.startsWith('alert')).every((r) => r.endsWith('applied'))).toBe(true);
  });

  it('a second sweep makes no forge call and sends no alert', async () => {
    await runSweep(options().sweep);
    const { forge, alerter, sweep } = options();
    const again = await runSweep(sweep);
    expect(again!.rows).toEqual([]);
    expect(forge.calls).toEqual([]);
    expect(alerter.sent).toEqual([]);
  });

  it('--dry-run plans without a forge call, an alert, an audit entry or memory', async () => {
    const { forge, alerter, sweep } = options({ preview: true });
    const report = await runSweep(sweep);
    expect(report!.rows).toHaveLength(6);
    expect(report!.rows.every((r) => r.result === 'planned')).toBe(true);
    expect(forge.calls).toEqual([]);
    expect(alerter.sent).toEqual([]);
    expect(await store.audit({ limit: 10 })).toEqual([]);
    expect(await store.policyMemory()).toEqual([]);
  });

  it('a forge in dry-run: planned in the audit, remembered, not planned again', async () => {
    const first = await runSweep(options({ clients: { gitlab: null, github: null } }).sweep);
    expect(first!.rows.filter((r) => r.result === 'planned')).toHaveLength(4);
    expect((await store.audit({ limit: 10 })).every((e) => e.result === 'planned')).toBe(true);
    expect((await runSweep(options({ clients: { gitlab: null, github: null } }).sweep))!.rows).toEqual([]);
  });

  it('does not sweep while another sweeper holds the lease (serve beside a sweep command)', async () => {
    const serve = new SqliteStore({ path: join(dir, 'bk.db') });
    try {
      expect(await serve.holdLease({ name: SWEEP_LEASE, holder: 'serve' }, 60_000)).toBe(true);
      const { forge, sweep } = options();
      expect(await runSweep(sweep)).toBeNull();
      expect(forge.calls).toEqual([]);
    } finally {
      await serve.close();
    }
  });

  it('two sweepers started together on one database: each action happens once', async () => {
    const peer = new SqliteStore({ path: join(dir, 'bk.db') });
    try {
      const a = options({ holder: 'a' });
      const b = options({ holder: 'b', store: peer });
      const reports = await Promise.all([runSweep(a.sweep), runSweep(b.sweep)]);
      const again = await Promise.all([runSweep(a.sweep), runSweep(b.sweep)]);
      const calls = [...a.forge.calls, ...b.forge.calls];
      expect(calls.sort()).toEqual([
        'comment gitlab:42#1 <!-- boardkeeper:sla -->',
        'comment gitlab:42#3 <!-- boardkeeper:sla -->',
        'labels gitlab:42#1 +sla::at-risk -',
        'labels gitlab:42#3 +sla::breached -',
      ]);
      expect(reports.filter((r) => r !== null).length + again.filter((r) => r !== null).length).toBeGreaterThanOrEqual(
        1,
      );
    } finally {
      await peer.close();
    }
  });

  it('stops, fenced off, when its lease was taken over mid-sweep: no memory stored, no alert', async () => {
    const peer = new SqliteStore({ path: join(dir, 'bk.db') });
    try {
      const { forge, alerter, sweep } = options();
      const stalling = {
        ...forge.client,
        // This sweeper stalls past its lease while it labels an issue, and another takes over.
        applyLabels: async (...args: Parameters<typeof forge.client.applyLabels>) => {
          await peer.holdLease({ name: SWEEP_LEASE, holder: 'test' }, 0);
          await peer.holdLease({ name: SWEEP_LEASE, holder: 'other' }, 60_000);
          return forge.client.applyLabels(...args);
        },
      };
      await expect(runSweep({ ...sweep, clients: { gitlab: stalling, github: null } })).rejects.toThrow(/taken over/);
      expect(alerter.sent).toEqual([]);
      expect(await store.policyMemory()).toEqual([]);
      expect(await peer.holdLease({ name: SWEEP_LEASE, holder: 'other' }, 60_000)).toBe(true);
    } finally {
      await peer.close();
    }
  });

  it('a forge failure: recorded as failed, no memory and no alert for that issue, tried again next sweep', async () => {
    const { forge, alerter, sweep } = options();
    const failing = {
      ...forge.client,
      applyLabels: async () => Promise.reject(new ForgeError('transient', 'GitLab answered 503', 503)),
    };
    const report = await runSweep({ ...sweep, clients: { gitlab: failing, github: null } });
    expect(report!.rows.filter((r) => r.issue === 'gitlab:42#1').map((r) => r.result)).toEqual(['failed']);
    expect(alerter.sent).toEqual([]);
    expect((await store.audit({ limit: 10 })).filter((e) => e.result === 'failed')).toHaveLength(2);
    const retry = options();
    await runSweep(retry.sweep);
    expect(retry.forge.calls.filter((c) => c.startsWith('labels')).sort()).toEqual([
      'labels gitlab:42#1 +sla::at-risk -',
      'labels gitlab:42#3 +sla::breached -',
    ]);
    expect(retry.alerter.sent).toHaveLength(2);
  });

  it('an issue gone from the forge is skipped and not tried again every sweep', async () => {
    const { forge, sweep } = options();
    const gone = {
      ...forge.client,
      applyLabels: async () => Promise.reject(new ForgeError('not-found', 'GitLab answered 404', 404)),
    };
    const report = await runSweep({ ...sweep, clients: { gitlab: gone, github: null } });
    expect(report!.rows.map((r) => r.result)).toEqual(['skipped', 'skipped']);
    const again = options();
    expect((await runSweep(again.sweep))!.rows).toEqual([]);
    expect(again.forge.calls).toEqual([]);
  });
});
