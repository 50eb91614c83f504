import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DELIVERY_STAGES, SALES_STAGES } from '../../src/config/presets.js';
import { parseOverlay } from '../../src/domain/overlay.js';
import { gitlabIssueHook } from './payloads.js';
import { GITLAB_SECRET, gitlabHeaders } from './signing.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STAGES = [...SALES_STAGES, ...DELIVERY_STAGES];
const GITLAB_PROJECT = 4242;

/** One `boardkeeper serve` process started through the real CLI, with its JSON log lines kept. */
export interface Replica {
  readonly port: number;
  readonly child: ChildProcess;
  readonly logs: Record<string, unknown>[];
  readonly exited: Promise<void>;
}

/** A config file for test replicas: short leases so a killed replica's claims move on within seconds. */
export function writeReplicaConfig(dir: string, overrides: { leaseMs?: number; concurrency?: number } = {}): string {
  const path = join(dir, 'replica.yml');
  writeFileSync(
    path,
    [
      'worker:',
      `  leaseMs: ${overrides.leaseMs ?? 3_000}`,
      `  concurrency: ${overrides.concurrency ?? 8}`,
      '  pollIntervalMs: 20',
      '  backoffBaseMs: 50',
      '  backoffMaxMs: 500',
      'store:',
      '  poolSize: 6',
      '  statementTimeoutMs: 5000',
      '',
    ].join('\n'),
  );
  return path;
}

export async function startReplica(options: { configPath: string; env: Record<string, string> }): Promise<Replica> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', '--host', '127.0.0.1'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        BOARDKEEPER_CONFIG: options.configPath,
        GITLAB_WEBHOOK_SECRET: GITLAB_SECRET,
        LOG_LEVEL: 'info',
        NODE_NO_WARNINGS: '1',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk) => stderr.push(String(chunk)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (typeof entry.port === 'number' && String(entry.msg).startsWith('boardkeeper listening')) resolve(entry.port);
    });
    void exited.then(() => reject(new Error(`replica exited before listening: ${stderr.join('')}`)));
  });
  return { port, child, logs, exited };
}

export async function stopReplica(replica: Replica, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (replica.child.exitCode === null && replica.child.signalCode === null) replica.child.kill(signal);
  await replica.exited;
}

/** One signed GitLab Issue Hook delivery, ready to POST. */
export interface WorkItem {
  id: string;
  issue: number;
  body: string;
  headers: Record<string, string>;
}

/** With 50 ms between attempts: about 20 s of every replica refusing before a send gives up. */
const MAX_ATTEMPTS = 400;
const BASE_TIME = Date.parse('2024-05-01T09:00:00.000Z');

/** The stage label the n-th event of an issue moves it to: every event moves the stage. */
const stageOf = (n: number): string => STAGES[n % STAGES.length]!;

/**
 * `issues × perIssue` GitLab deliveries (GitLab's documented Issue Hook body, varied per event):
 * each issue is opened in `intake` and then every event moves its stage label one step on, so
 * the transitions recorded for an issue reveal the order its events were applied in.
 */
export function issueWorkload(issues: number, perIssue: number, runId: string): WorkItem[][] {
  return Array.from({ length: issues }, (_, issue) =>
    Array.from({ length: perIssue }, (_, n) => {
      const hook = gitlabIssueHook({
        action: n === 0 ? 'open' : 'update',
        projectId: GITLAB_PROJECT,
        iid: issue + 1,
        labels: [`stage::${stageOf(n)}`],
        ...(n > 0 ? { previousLabels: [`stage::${stageOf(n - 1)}`] } : {}),
        updatedAt: new Date(BASE_TIME + n * 60_000 + issue * 1_000).toISOString(),
      });
      const id = `${runId}-i${issue}-e${n}`;
      return { id, issue, body: JSON.stringify(hook), headers: gitlabHeaders(id) };
    }),
  );
}

/**
 * Each issue's recorded stage changes as `from>to`, in time order (index = issue number - 1). Overlay
 * transitions (`+label`, `+assignee:…`: the documented hook body has an assignee) are not stage changes.
 */
export function stageChains(
  transitions: { iid: number; at: string; from: string | null; to: string }[],
  issues: number,
): string[][] {
  const chains = Array.from({ length: issues }, () => [] as { at: string; step: string }[]);
  for (const t of transitions)
    if (parseOverlay(t.to) === null) chains[t.iid - 1]?.push({ at: t.at, step: `${t.from}>${t.to}` });
  return chains.map((chain) => chain.sort((a, b) => a.at.localeCompare(b.at)).map((entry) => entry.step));
}

/** What `stageChains` must be when every event of `issueWorkload` was applied once, in order. */
export function expectedStageChains(workload: WorkItem[][]): string[][] {
  return workload.map((events) => events.map((_, n) => `${n === 0 ? null : stageOf(n - 1)}>${stageOf(n)}`));
}

export interface SendResult {
  /** Ids the service acknowledged (202 stored, or 200 duplicate of an earlier store). */
  acknowledged: string[];
  /** Requests answered with something other than an acknowledgement, or not answered at all. */
  retried: number;
}

/**
 * Send like a forge behind a load balancer: each issue's events one after another (the next only
 * after the previous was acknowledged), issues in parallel `lanes`, spread over the replicas that
 * `targets()` returns at that moment. A refused, dropped or 503-answered request is sent again,
 * to another replica, after a short pause.
 */
export async function sendWorkload(
  workload: WorkItem[][],
  targets: () => number[],
  options: { lanes: number; onAcknowledged?: (count: number) => void },
): Promise<SendResult> {
  const acknowledged: string[] = [];
  let retried = 0;
  let nextIssue = 0;
  const lane = async () => {
    for (let issue = nextIssue++; issue < workload.length; issue = nextIssue++) {
      for (const [n, item] of workload[issue]!.entries()) {
        for (let attempt = 0; ; attempt++) {
          const ports = targets();
          const port = ports[(issue + n + attempt) % ports.length]!;
          const status = await fetch(`http://127.0.0.1:${port}/webhooks/gitlab`, {
            method: 'POST',
            headers: item.headers,
            body: item.body,
          }).then(
            (response) => response.arrayBuffer().then(() => response.status),
            () => 0,
          );
          if (status === 202 || status === 200) break;
          if (status !== 0 && status !== 503) throw new Error(`delivery ${item.id}: unexpected HTTP ${status}`);
          if (attempt >= MAX_ATTEMPTS) throw new Error(`delivery ${item.id}: no replica acknowledged it`);
          retried += 1;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        acknowledged.push(item.id);
        options.onAcknowledged?.(acknowledged.length);
      }
    }
  };
  await Promise.all(Array.from({ length: options.lanes }, lane));
  return { acknowledged, retried };
}
