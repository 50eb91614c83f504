import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.js';
import { SWEEP_LEASE } from '../../src/sweep/run.js';
import { runCli } from '../support/process.js';
import { engagementInDeployment, seedEngagements } from '../support/sweep-board.js';

const dir = mkdtempSync(join(tmpdir(), 'bk-sweep-cli-'));
const dbPath = join(dir, 'bk.db');

/** `boardkeeper sweep …` as a person runs it, in dry-run for the forge (no token). */
const sweepCli = (args: string[]) => runCli(['sweep', ...args], { BOARDKEEPER_DB_PATH: dbPath });

beforeAll(async () => {
  const store = new SqliteStore({ path: dbPath });
  await store.migrate();
  await seedEngagements(store, [engagementInDeployment(1, 25, Date.now()), engagementInDeployment(2, 3, Date.now())]);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('boardkeeper sweep', () => {
  it('--dry-run prints the table of what it would do and stores nothing', async () => {
    const { code, stdout } = await sweepCli(['--dry-run']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^issue\s+policy\s+action\s+result$/);
    expect(lines.slice(2, -1).map((line) => line.split(/ {2,}/))).toEqual([
      ['gitlab:42#1', 'implementation-at-risk', 'labels +sla::at-risk', 'planned'],
      ['gitlab:42#1', 'implementation-at-risk', 'comment <!-- boardkeeper:sla -->', 'planned'],
      ['gitlab:42#1', 'implementation-at-risk', 'alert at-risk', 'planned'],
    ]);
    expect(lines.at(-1)).toMatch(/^dry run: 3 planned \(\d+ ms\)$/);
  }, 30_000);

  it('runs once (the forge in dry-run: planned in the audit), then has nothing left to do; --json gives the report', async () => {
    const first = await sweepCli(['--json']);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as { startedAt: string; durationMs: number; rows: unknown[] };
    expect(report.rows).toHaveLength(3);
    expect(Number.isNaN(Date.parse(report.startedAt))).toBe(false);
    const second = await sweepCli([]);
    expect(second.stdout.trim()).toMatch(/^nothing to do \(\d+ ms\)$/);
  }, 30_000);

  it('refuses, with status 1, while another sweeper (serve) holds the lease', async () => {
    const serve = new SqliteStore({ path: dbPath });
    try {
      await serve.holdLease({ name: SWEEP_LEASE, holder: 'serve' }, 60_000);
      const { code, stderr } = await sweepCli([]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/another sweeper holds the sweep lease/);
    } finally {
      await serve.close();
    }
  }, 30_000);
});
