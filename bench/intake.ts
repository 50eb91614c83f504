/**
 * Intake benchmark: signed GitHub `issues.opened` deliveries against boardkeeper (durable SQLite
 * write before the 202, worker running in dry-run) and, in the same run, a bare fastify route.
 * Usage: npm run bench:intake [-- --seconds 10 --connections 50]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sign } from '@octokit/webhooks-methods';
import { launch, load, printTable, ROOT, saveResult, type LoadResult } from './support.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' } },
});
const options = { seconds: Number(values.seconds), connections: Number(values.connections) };
const secret = 'bench-secret';
const body = readFileSync(join(ROOT, 'test/fixtures/github/issues.opened.json'), 'utf8');
const signature = await sign(secret, body);
const headersFor = (n: number) => ({
  'content-type': 'application/json',
  'x-github-event': 'issues',
  'x-github-delivery': `bench-${process.pid}-${n}`,
  'x-hub-signature-256': signature,
});

const dir = mkdtempSync(join(tmpdir(), 'bk-bench-'));
// Production defaults (info logging, synchronous=FULL), nothing tuned for the benchmark.
writeFileSync(join(dir, 'config.yml'), '{}\n');
const results: LoadResult[] = [];
try {
  console.log(`intake benchmark: ${options.seconds}s per target, ${options.connections} connections, body ${body.length} bytes`);
  const bare = await launch(['bench/bare-server.ts']);
  results.push(await load('bare fastify (floor)', `${bare.url}/webhooks/github`, body, headersFor, options));
  await bare.stop();

  const boardkeeper = await launch(['src/cli.ts', 'serve', '--port', '0', '--host', '127.0.0.1'], {
    BOARDKEEPER_CONFIG: join(dir, 'config.yml'),
    BOARDKEEPER_DB_PATH: join(dir, 'bk.db'),
    GITHUB_WEBHOOK_SECRET: secret,
  });
  results.push(await load('boardkeeper (verify + durable write)', `${boardkeeper.url}/webhooks/github`, body, headersFor, options));
  await boardkeeper.stop();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const floor = results[0]!;
printTable(
  results.map((r) => ({
    target: r.name,
    'req/s': r.requestsPerSecond,
    'p50 ms': r.p50Ms,
    'p99 ms': r.p99Ms,
    'ratio vs bare': (r.requestsPerSecond / floor.requestsPerSecond).toFixed(2),
    'non-2xx': r.non2xx,
    errors: r.errors,
  })),
);
console.log(`saved ${saveResult('intake', { options, results })}`);
