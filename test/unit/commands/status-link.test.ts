import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { verifyStatusToken } from '../../../src/status/token.js';
import { ROOT } from '../../support/process.js';
import { STATUS_SECRET, seedStatusBoard } from '../../support/status-board.js';

const dir = mkdtempSync(join(tmpdir(), 'bk-status-link-'));
const configPath = join(dir, 'boardkeeper.yml');
const secretFile = join(dir, 'status-secret');

beforeAll(async () => {
  writeFileSync(
    configPath,
    `store:\n  sqlitePath: ${join(dir, 'bk.db')}\nstatus:\n  publicUrl: https://status.example.com/\n`,
  );
  writeFileSync(secretFile, `${STATUS_SECRET}\n`);
  const store = new SqliteStore({ path: join(dir, 'bk.db') });
  await store.migrate();
  await seedStatusBoard(store);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src/cli.ts'), 'status-link', '--config', configPath, ...args],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, BOARDKEEPER_CONFIG: '', STATUS_SECRET: '', STATUS_SECRET_FILE: '', ...env },
    },
  );

describe('boardkeeper status-link', () => {
  it('prints a signed link under the public URL, valid for --days, with the secret from *_FILE', () => {
    const before = Date.now();
    const result = run(['gitlab', 'ps/engagements', '112', '--days', '7'], { STATUS_SECRET_FILE: secretFile });
    expect(result.status, result.stderr).toBe(0);
    const url = result.stdout.trim();
    expect(url).toMatch(/^https:\/\/status\.example\.com\/status\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const grant = verifyStatusToken(url.split('/status/')[1]!, STATUS_SECRET, new Date());
    expect(grant?.issue).toEqual({ forge: 'gitlab', project: 'ps/engagements', iid: 112 });
    const days = (grant!.expiresAt.getTime() - before) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7.01);
    expect(result.stderr).not.toContain('nothing is recorded');
  });

  it('says how to set a secret when none is configured, and exits 2', () => {
    const result = run(['gitlab', 'ps/engagements', '112']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/no status secret configured: set STATUS_SECRET \(or STATUS_SECRET_FILE/);
  });

  it.each([
    [['gitlub', 'ps/engagements', '112'], /<forge> must be gitlab or github/],
    [['gitlab', 'ps/engagements', '12a'], /<iid> must be a positive whole number/],
    [['gitlab', 'ps/engagements', '112', '--days', '400'], /--days must be a whole number of days, 1 to 366/],
    [['gitlab', 'ps/\nengagements', '112'], /<project> must be/],
  ])('refuses %j with exit 2', (args, message) => {
    const result = run(args, { STATUS_SECRET: STATUS_SECRET });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('warns, on stderr, that a link to an issue with nothing recorded answers 404 until it is', () => {
    const result = run(['github', 'acme/web', '5'], { STATUS_SECRET: STATUS_SECRET });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^https:\/\/status\.example\.com\/status\//);
    expect(result.stderr).toMatch(/nothing is recorded for github acme\/web#5 yet/);
  });
});
