import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../../src/config/database-url.js';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import { configSchema } from '../../../src/config/schema.js';
import { databaseTarget, describeStore } from '../../../src/store/open.js';
import { ROOT } from '../../support/process.js';

describe('parseDatabaseUrl', () => {
  it.each([
    ['postgres://u:p@db:5432/bk', { kind: 'postgres', url: 'postgres://u:p@db:5432/bk' }],
    ['postgresql://db/bk?sslmode=require', { kind: 'postgres', url: 'postgresql://db/bk?sslmode=require' }],
    ['file:./x.db', { kind: 'sqlite', path: './x.db' }],
    ['file:data/x.db', { kind: 'sqlite', path: 'data/x.db' }],
    ['file:///var/lib/boardkeeper/x.db', { kind: 'sqlite', path: '/var/lib/boardkeeper/x.db' }],
    ['sqlite:./x.db', { kind: 'sqlite', path: './x.db' }],
    ['SQLITE:///srv/my%20data/x.db', { kind: 'sqlite', path: '/srv/my data/x.db' }],
    ['file:./x.db?mode=rwc', { kind: 'sqlite', path: './x.db' }],
  ])('%s', (url, target) => {
    expect(parseDatabaseUrl(url)).toEqual(target);
  });

  it.each([
    ['mysql://db/bk', /unsupported scheme 'mysql:'/],
    ['./x.db', /no scheme/],
    ['file:', /needs a file path/],
    ['sqlite://db-host/x.db', /names a file, not a host/],
  ])('rejects %s, naming DATABASE_URL', (url, reason) => {
    const parsed = parseDatabaseUrl(url);
    expect(parsed).toHaveProperty('error');
    const { error } = parsed as { error: string };
    expect(error).toMatch(reason);
    expect(error).toContain('DATABASE_URL');
  });
});

describe('DATABASE_URL in the config', () => {
  it('a file: URL is SQLite at that path, instead of store.sqlitePath', () => {
    const config = configSchema.parse({ store: { databaseUrl: 'file:./x.db', sqlitePath: './ignored.db' } });
    expect(databaseTarget(config)).toEqual({ kind: 'sqlite', path: './x.db' });
    expect(describeStore(config)).toBe('sqlite:./x.db');
  });

  it('a postgres URL is described without its credentials', () => {
    const config = configSchema.parse({ store: { databaseUrl: 'postgresql://bk:secret@db:5432/bk' } });
    expect(databaseTarget(config).kind).toBe('postgres');
    expect(describeStore(config)).toBe('postgres://db:5432/bk');
  });

  it('any other scheme is rejected when the config is loaded', () => {
    let problems: string[] = [];
    try {
      loadConfig({ path: join(ROOT, 'boardkeeper.yml'), env: { DATABASE_URL: 'mysql://db/bk' } });
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^store\.databaseUrl: DATABASE_URL .*unsupported scheme 'mysql:'/),
    ]);
  });

  it('boardkeeper exits 2 naming the variable', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), 'check-config'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, BOARDKEEPER_CONFIG: '', DATABASE_URL: 'mongodb://db/bk' },
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("DATABASE_URL (store.databaseUrl) has the unsupported scheme 'mongodb:'");
  });
});
