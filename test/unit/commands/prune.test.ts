import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describePruned } from '../../../src/commands/prune.js';
import type { AuditEntry } from '../../../src/domain/types.js';
import { pruneExpired } from '../../../src/engine/retention.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { ROOT } from '../../support/process.js';

const NOW = new Date('2026-06-30T00:00:00.000Z');

const auditEntry = (iid: number, at: string): AuditEntry => ({
  at,
  deliveryId: null,
  forge: 'gitlab',
  project: '42',
  iid,
  action: 'labels',
  detail: {},
  result: 'applied',
  apiCalls: 1,
  latencyMs: 5,
});

describe('pruneExpired', () => {
  it('computes each cutoff from its own retention, and leaves alone what is kept forever', async () => {
    const calls: string[] = [];
    const store = {
      prune: async (before: string) => {
        calls.push(`inbox < ${before}`);
        return 2;
      },
      pruneAudit: async (before: string) => {
        calls.push(`audit < ${before}`);
        return 5;
      },
    };
    expect(await pruneExpired(store, { doneDeliveryDays: 30, auditDays: 180 }, NOW)).toEqual({
      deliveries: { deleted: 2, before: '2026-05-31T00:00:00.000Z' },
      audit: { deleted: 5, before: '2026-01-01T00:00:00.000Z' },
    });
    expect(await pruneExpired(store, { doneDeliveryDays: 0, auditDays: 1 }, NOW)).toEqual({
      deliveries: null,
      audit: { deleted: 5, before: '2026-06-29T00:00:00.000Z' },
    });
    expect(calls).toHaveLength(3);
  });

  it('is reported one line per kind', () => {
    expect(describePruned({ deliveries: { deleted: 1, before: 'T1' }, audit: null })).toEqual([
      'deleted 1 done delivery received before T1',
      'kept every audit entry (audit.retainDays is 0)',
    ]);
  });
});

describe('boardkeeper prune', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bk-prune-'));
    path = join(dir, 'bk.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const prune = (args: string[] = []) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), 'prune', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, BOARDKEEPER_CONFIG: '', BOARDKEEPER_DB_PATH: path, DATABASE_URL: '' },
    });

  it('deletes done deliveries and audit entries past their retention and reports both', async () => {
    const store = new SqliteStore({ path });
    await store.migrate();
    const day = 86_400_000;
    await store.recordAudit([
      auditEntry(1, new Date(Date.now() - 400 * day).toISOString()),
      auditEntry(2, new Date(Date.now() - 200 * day).toISOString()),
      auditEntry(3, new Date(Date.now() - 10 * day).toISOString()),
    ]);
    await store.close();

    const result = prune();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^deleted 0 done deliveries received before \S+\ndeleted 2 audit entries recorded before \S+\n$/,
    );

    const again = prune(['--older-than-days', '0', '--audit-older-than-days', '5']);
    expect(again.stdout).toMatch(
      /^kept every done delivery \(worker\.retainDoneDays is 0\)\ndeleted 1 audit entry recorded before \S+\n$/,
    );
    const reopened = new SqliteStore({ path });
    expect(await reopened.audit({ limit: 10 })).toEqual([]);
    await reopened.close();
  });

  it('refuses a bad number of days, naming the option', () => {
    const result = prune(['--audit-older-than-days', 'soon']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "--audit-older-than-days must be a number of days (0 keeps everything), not 'soon'",
    );
  });
});
