import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.js';
import { boardHistory } from '../support/board-history.js';
import { runCli } from '../support/process.js';

const dir = mkdtempSync(join(tmpdir(), 'bk-report-cli-'));
const dbPath = join(dir, 'bk.db');
const configPath = join(dir, 'digest.yml');

/** `boardkeeper report …` as a person runs it; the forge has no token, so it is in dry-run. */
const reportCli = (args: string[]) =>
  runCli(['report', ...args], { BOARDKEEPER_DB_PATH: dbPath, BOARDKEEPER_CONFIG: configPath });

beforeAll(async () => {
  writeFileSync(
    configPath,
    [
      'reports:',
      '  digest:',
      '    timeZone: Europe/Berlin',
      '    forge: { forge: gitlab, project: ps/engagements, mode: pinned }',
      '',
    ].join('\n'),
  );
  const store = new SqliteStore({ path: dbPath });
  await store.migrate();
  const history = boardHistory();
  await store.recordTransitions(history.transitions);
  for (const state of history.states) await store.putIssueState(state);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('boardkeeper report', () => {
  it('prints a week’s digest, plans its delivery, refuses a bad week, and explains itself', async () => {
    const [print, dryRun, badWeek, both, help] = await Promise.all([
      reportCli(['--period', '2026-W21', '--print']),
      reportCli(['--period', '2026-W21', '--dry-run']),
      reportCli(['--period', '2026-W54', '--print']),
      reportCli(['--print', '--dry-run']),
      reportCli(['--help']),
    ]);
    expect(print.code, print.stderr).toBe(0);
    expect(print.stdout.split('\n')[0]).toBe('# Weekly digest 2026-W21 (18 May – 24 May 2026)');
    expect(print.stdout).toContain('## Went live (1)');
    expect(print.stdout).toContain('Dedicated instance for Woodgrove');

    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toBe(
      'Weekly digest 2026-W21 (18 May – 24 May 2026)\n  forge  planned  create-issue (' +
        print.stdout.length +
        ' characters)\n',
    );

    expect([badWeek.code, badWeek.stderr.trim(), badWeek.stdout]).toEqual([
      2,
      'boardkeeper: --period: 2026 has weeks 01 to 53, not 54',
      '',
    ]);
    expect([both.code, both.stderr.trim()]).toEqual([2, 'boardkeeper: --print and --dry-run exclude each other']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--period <week>');
    expect(help.stdout).toContain('boardkeeper report --period 2026-W49 --print');
  });

  it('sends: with the forge in dry-run the filing is audited as planned, once per period', async () => {
    const first = await reportCli(['--period', '2026-W21']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(
      'Weekly digest 2026-W21 (18 May – 24 May 2026)\n  forge  planned  gitlab is in dry-run: 1 call(s) recorded in the audit as planned\n',
    );
    const second = await reportCli(['--period', '2026-W21']);
    expect(second.stdout).toBe(
      'Weekly digest 2026-W21 (18 May – 24 May 2026)\n  forge  already  delivered by an earlier run\n',
    );
    const store = new SqliteStore({ path: dbPath });
    const audit = (await store.audit({ limit: 100 })).filter((entry) => entry.deliveryId === 'digest:2026-W21');
    await store.close();
    expect(audit.map((entry) => [entry.action, entry.result, entry.project])).toEqual([
      ['create-issue', 'planned', 'ps/engagements'],
    ]);
  });
});
