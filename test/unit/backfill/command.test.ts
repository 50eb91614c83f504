import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerBackfill, type ForgeClientFactory } from '../../../src/commands/backfill.js';
import type { ForgeClient } from '../../../src/forges/forge.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { fakeForge, history } from './fake-forge.js';

const HISTORY = history('github', 'acme/web', [
  [1, 'add', 'stage::intake', '2026-04-01T10:00:00Z'],
  [1, 'add', 'stage::discovery', '2026-04-03T10:00:00Z'],
  [2, 'add', 'stage::intake', '2026-04-05T10:00:00Z'],
]);

describe('boardkeeper backfill', () => {
  let dir: string;
  let configPath: string;
  let output: { stdout: string; stderr: string };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bk-backfill-'));
    configPath = join(dir, 'boardkeeper.yml');
    writeFileSync(configPath, `store:\n  sqlitePath: ${join(dir, 'db.sqlite')}\n`);
    output = { stdout: '', stderr: '' };
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      output.stdout += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      output.stderr += String(chunk);
      return true;
    });
    vi.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${code}`);
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (clientFor: ForgeClientFactory, ...args: string[]) => {
    const program = new Command('boardkeeper').option('-c, --config <file>').exitOverride();
    registerBackfill(program, clientFor);
    return program.parseAsync(['node', 'boardkeeper', '--config', configPath, 'backfill', ...args]);
  };

  it('records the history and prints plain progress lines when not on a terminal', async () => {
    const clientFor: ForgeClientFactory = (forge) =>
      forge === 'github' ? (fakeForge('github', HISTORY).client as ForgeClient) : null;
    await run(clientFor, '--forge', 'github', '--project', 'acme/web', '--batch', '1');
    expect(output.stderr).toContain('backfill: 1 issues replayed, 0 already done, 3 label events, 2 new transitions\n');
    expect(output.stdout).toBe(
      'backfill complete: 2 issues replayed, 0 already done, 3 label events, 3 new transitions\n',
    );
    const store = new SqliteStore({ path: join(dir, 'db.sqlite') });
    expect((await store.transitions({})).map((t) => [t.iid, t.to])).toEqual([
      [1, 'intake'],
      [1, 'discovery'],
      [2, 'intake'],
    ]);
    await store.close();
  });

  it.each([
    [['--forge', 'bitbucket', '--project', '1'], '--forge must be gitlab or github'],
    [['--forge', 'gitlab', '--project', '1', '--since', 'yesterday'], '--since must be a date'],
    [['--forge', 'gitlab', '--project', '1'], 'no gitlab API token configured'],
  ])('refuses %j with a message and exit code 2', async (args, message) => {
    await expect(run(() => null, ...args)).rejects.toThrow('exit 2');
    expect(output.stderr).toContain(message);
  });
});
