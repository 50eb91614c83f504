import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../support/process.js';

const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
  cycle?: { name: string }[];
}

const run = promisify(execFile);

/** `npm run lint:deps` in `dir`: its violations (JSON report) and whether it fails the build (exit status of the default report). */
async function lintDeps(dir: string): Promise<{ violations: Violation[]; failed: boolean }> {
  const args = [DEPCRUISE, 'src', '--config', '.dependency-cruiser.cjs'];
  const options = { cwd: dir, maxBuffer: 64 * 1024 * 1024 };
  const { stdout } = await run(process.execPath, [...args, '--output-type', 'json'], options);
  const failed = await run(process.execPath, args, options).then(
    () => false,
    () => true,
  );
  return { violations: (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations, failed };
}

/** Wrong-way imports, each in a file of its own, planted in a copy of the tree. */
const PLANTED: [rule: string, file: string, source: string][] = [
  [
    'metrics-below-its-readers',
    'src/metrics/table/planted.ts',
    "export { renderDashboard } from '../../dashboard/render.js';\n",
  ],
  ['forges-below-http-and-engine', 'src/forges/planted.ts', "export { bearerGuard } from '../http/auth.js';\n"],
  ['rules-are-pure', 'src/rules/planted.ts', "export { buildTimeline } from '../metrics/durations/timeline.js';\n"],
  ['domain-imports-only-domain', 'src/domain/planted.ts', "export type { Config } from '../config/schema.js';\n"],
  ['store-below-forges-and-engine', 'src/store/planted.ts', "export type { ForgeClient } from '../forges/forge.js';\n"],
  ['only-wiring-imports-http-and-commands', 'src/engine/planted.ts', "export { buildApp } from '../http/app.js';\n"],
  // store → config exists: this one also closes a folder cycle.
  ['config-is-data', 'src/config/planted.ts', "export type { Store } from '../store/store.js';\n"],
];

describe('boundaries (npm run lint:deps)', () => {
  let tree: string;
  let onTheTree: Violation[];
  let planted: { violations: Violation[]; failed: boolean };

  beforeAll(async () => {
    tree = mkdtempSync(join(tmpdir(), 'bk-boundaries-'));
    for (const entry of ['src', 'tsconfig.json', '.dependency-cruiser.cjs'])
      cpSync(join(ROOT, entry), join(tree, entry), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'));
    onTheTree = (await lintDeps(tree)).violations;
    for (const [, file, source] of PLANTED) writeFileSync(join(tree, file), source);
    planted = await lintDeps(tree);
  }, 120_000);

  afterAll(() => rmSync(tree, { recursive: true, force: true }));

  it.each(PLANTED)('%s: a planted wrong-way import fails the check', (rule, file) => {
    expect(planted.failed).toBe(true);
    expect(planted.violations.filter((v) => v.from === file).map((v) => v.rule.name)).toContain(rule);
  });

  it('a planted folder cycle fails the check', () => {
    const cycles = planted.violations.filter((v) => v.rule.name === 'no-folder-cycles' && v.from === 'src/config');
    expect(cycles.map((v) => [v.from, ...v.cycle!.map((step) => step.name)])).toContainEqual([
      'src/config',
      'src/store',
      'src/config',
    ]);
  });

  it('the planted imports are what fails: the tree itself has none of them', () => {
    const onTree = new Set(onTheTree.map((v) => `${v.rule.name} ${v.from} ${v.to}`));
    const added = planted.violations.filter(
      (v) => v.rule.name !== 'no-folder-cycles' && !onTree.has(`${v.rule.name} ${v.from} ${v.to}`),
    );
    expect(new Set(added.map((v) => v.from))).toEqual(new Set(PLANTED.map(([, file]) => file)));
  });

  it('the tree passes', () => {
    expect(onTheTree.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  });
});
