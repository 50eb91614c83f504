import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

export const ROOT = join(import.meta.dirname, '..');

export interface Launched {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Start a child process that prints `boardkeeper listening on http://host:port` and wait for it. */
export async function launch(
  args: string[],
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<Launched> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /listening on (http:\/\/[^"\s]+)/.exec(line);
      if (match) resolve(match[1]!);
    });
  });
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface LoadResult {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests answered 2xx (for a durable target: how many it promised to keep). */
  ok: number;
  non2xx: number;
  errors: number;
}

/**
 * autocannon against one URL; `headersFor(n)` lets each request carry its own delivery id, and
 * `body` may be a function of the same `n` (a pool of distinct, pre-signed deliveries).
 */
export async function load(
  name: string,
  url: string,
  body: string | ((n: number) => string),
  headersFor: (n: number) => Record<string, string>,
  options: { seconds: number; connections: number },
): Promise<LoadResult> {
  let next = 0;
  const bodyFor = typeof body === 'string' ? () => body : body;
  const result = await autocannon({
    url,
    method: 'POST',
    connections: options.connections,
    duration: options.seconds,
    requests: [
      {
        setupRequest: (request) => {
          const n = next++;
          return { ...request, headers: headersFor(n), body: bodyFor(n) };
        },
      },
    ],
  });
  return {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function printTable(rows: Record<string, string | number>[]): void {
  console.table(rows);
}

export function saveResult(name: string, data: unknown): string {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}
