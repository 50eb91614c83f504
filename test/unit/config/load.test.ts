import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, secretsOf } from '../../../src/config/load.js';
import { ROOT } from '../../support/process.js';

const dir = mkdtempSync(join(tmpdir(), 'bk-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.length ? error.problems : [error.message];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('uses the defaults of domain.md when no file exists', () => {
    const { config, path } = loadConfig({ env: { BOARDKEEPER_CONFIG: undefined }, path: undefined });
    expect(path === null || path.endsWith('boardkeeper.yml')).toBe(true);
    expect(config.server.port).toBe(3000);
    expect(config.thresholds.taReviewAboveUsd).toBe(50_000);
    expect(config.durations.implementationTargetDays).toBe(30);
  });

  it('ships a sample config that is valid', () => {
    expect(() => loadConfig({ path: join(ROOT, 'boardkeeper.yml'), env: {} })).not.toThrow();
  });

  it.each([
    ['worker:\n  concurrency: many\n', /^worker\.concurrency: .*number/],
    ['server:\n  prot: 3000\n', /^server: .*prot/],
    ['dryRun: sometimes\n', /^dryRun: /],
    ['durations:\n  holidays: ["25/12/2024"]\n', /^durations\.holidays\.0: /],
    ['rules:\n  - name: x\n    when: { labelAdded: a }\n', /^rules\.0\.moveTo: /],
  ])('names the key path of a bad value (%j)', (yaml, expected) => {
    const problems = problemsOf(() => loadConfig({ path: file('bad.yml', yaml), env: {} }));
    expect(problems.some((p) => expected.test(p))).toBe(true);
  });

  it('reports invalid YAML and a missing file clearly', () => {
    expect(problemsOf(() => loadConfig({ path: file('broken.yml', 'server: [1, 2\n'), env: {} }))).toEqual([
      expect.stringMatching(
        /^line 2, column 1: Flow sequence in block collection must be sufficiently indented and end with a \]$/,
      ),
    ]);
    expect(
      problemsOf(() => loadConfig({ path: file('tab.yml', 'server:\n  port: 1\n\thost: x\n'), env: {} }))[0],
    ).toMatch(/^line 3, column 1: /);
    expect(() => loadConfig({ path: join(dir, 'nope.yml'), env: {} })).toThrow(/config file not found/);
    expect(() => loadConfig({ path: file('list.yml', '- a\n- b\n'), env: {} })).toThrow(/top level must be a mapping/);
  });

  it('lets the environment override the file, and reads secrets from *_FILE', () => {
    const tokenFile = file('token', 'glpat-from-file\n');
    const { config } = loadConfig({
      path: file('ok.yml', 'server:\n  port: 4000\n'),
      env: {
        PORT: '5000',
        GITLAB_TOKEN_FILE: tokenFile,
        GITHUB_WEBHOOK_SECRET: 'gh-secret',
        DATABASE_URL: 'postgres://db/x',
      },
    });
    expect(config.server.port).toBe(5000);
    expect(config.gitlab.token).toBe('glpat-from-file');
    expect(config.store.databaseUrl).toBe('postgres://db/x');
    expect(secretsOf(config)).toEqual(['glpat-from-file', 'gh-secret']);
  });

  it('explains an unreadable *_FILE', () => {
    expect(() =>
      loadConfig({ path: file('ok2.yml', '{}'), env: { METRICS_TOKEN_FILE: join(dir, 'missing') } }),
    ).toThrow(/METRICS_TOKEN_FILE: cannot read/);
  });
});

describe('boardkeeper check-config', () => {
  const run = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, BOARDKEEPER_CONFIG: '' },
    });

  it('exits 2 and names the key of an invalid config', () => {
    const result = run(['check-config', '--config', file('cli-bad.yml', 'worker:\n  maxAttempts: 0\n')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/worker\.maxAttempts: /);
  });

  it('exits 2 and gives the line and column of a YAML syntax error', () => {
    const result = run([
      'check-config',
      '--config',
      file('cli-syntax.yml', 'server:\n  port: 3000\nlog:\n  level: "info\n'),
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/cli-syntax\.yml is not valid YAML/);
    expect(result.stderr).toMatch(/line 5, column 1: Missing closing "quote/);
  });

  it('exits 0 and says what is live for a valid one', () => {
    const result = run(['check-config', '--config', file('cli-ok.yml', 'preset: gitlab-ps\n')]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/is valid/);
    expect(result.stdout).toMatch(/gitlab: dry-run/);
  });
});
