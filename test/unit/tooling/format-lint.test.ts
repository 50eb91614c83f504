import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIOME = join(ROOT, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
/** The exact arguments `npm run lint` (and so `npm test`) passes to Biome. */
const LINT_ARGS = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { lint: string } }
).scripts.lint
  .split(' ')
  .slice(1);

const HOUSE_STYLE = `import { join } from 'node:path';

export const where = (name: string): string[] => [join('data', name), "it's"];
`;

/** A builtin imported without `node:`, an unused variable, and a line the formatter would rewrite. */
const VIOLATION = `import { join } from 'path';

export function where(name: string): string {
  const unused = 1;
  return    join("data", name);
}
`;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bk-biome-'));
  copyFileSync(join(ROOT, 'biome.jsonc'), join(dir, 'biome.jsonc'));
  copyFileSync(join(ROOT, '.gitignore'), join(dir, '.gitignore'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function place(path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

/** Runs the lint script's Biome command in the scratch tree; the GitHub reporter names each finding's rule. */
function check(): { status: number | null; findings: string[] } {
  const result = spawnSync(process.execPath, [BIOME, ...LINT_ARGS, '--reporter=github', '--colors=off'], {
    cwd: dir,
    encoding: 'utf8',
  });
  const findings = [...result.stdout.matchAll(/^::\w+ title=([^,]+),file=[^,]*?([^/,]+),/gm)].map(
    ([, rule, file]) => `${file} ${rule}`,
  );
  return { status: result.status, findings };
}

describe('the format and lint check of npm test', () => {
  it('passes house-style code, and leaves fixtures and build output alone', () => {
    place('src/where.ts', HOUSE_STYLE);
    place('test/fixtures/raw.ts', VIOLATION);
    place('dist/where.js', VIOLATION);
    expect(check()).toEqual({ status: 0, findings: [] });
  });

  it('fails on a lint error and on a misformatted line, naming each', () => {
    place('src/where.ts', VIOLATION);
    const { status, findings } = check();
    expect(status).toBe(1);
    expect(findings).toEqual(
      expect.arrayContaining([
        'where.ts lint/style/useNodejsImportProtocol',
        'where.ts lint/correctness/noUnusedVariables',
        'where.ts format',
      ]),
    );
  });
});
