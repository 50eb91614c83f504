/**
 * `npm run bench`: every benchmark in sequence, one child process each (they start servers of their
 * own and must not share a CPU with each other), then a summary. Never part of the test run.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { printTable, ROOT } from './support.js';

/** In the order they run; a benchmark whose file does not exist yet is skipped with a note. */
const BENCHMARKS = ['intake', 'metrics', 'forecast', 'api-calls', 'replicas', 'backfill', 'sweep'];

const resultsDir = join(ROOT, 'bench', 'results');

function run(file: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, stdio: 'inherit' });
    child.once('exit', (code) => resolve(code));
  });
}

/** The result files a benchmark wrote since `since` (bench/support saveResult names them `<name>-<time>.json`). */
function resultsOf(name: string, since: Set<string>): string[] {
  if (!existsSync(resultsDir)) return [];
  return readdirSync(resultsDir).filter(
    (file) => file.startsWith(`${name}-`) && file.endsWith('.json') && !since.has(file),
  );
}

const summary: { benchmark: string; status: string; seconds: string; results: string }[] = [];
for (const name of BENCHMARKS) {
  const file = join('bench', `${name}.ts`);
  if (!existsSync(join(ROOT, file))) {
    console.log(`\n== ${name}: skipped (${file} does not exist yet)`);
    summary.push({ benchmark: name, status: 'missing', seconds: '-', results: '-' });
    continue;
  }
  console.log(`\n== ${name} (${file})`);
  const before = new Set(existsSync(resultsDir) ? readdirSync(resultsDir) : []);
  const started = Date.now();
  const code = await run(file);
  summary.push({
    benchmark: name,
    status: code === 0 ? 'ok' : `failed (exit ${code})`,
    seconds: ((Date.now() - started) / 1000).toFixed(0),
    results:
      resultsOf(name, before)
        .map((result) => join('bench', 'results', result))
        .join(', ') || '-',
  });
}

console.log('\n== summary');
printTable(summary);
process.exitCode = summary.some((row) => row.status.startsWith('failed')) ? 1 : 0;
