import { setTimeout as delay } from 'node:timers/promises';
import type { Worker as Thread } from 'node:worker_threads';
import type { Config } from '../../config/schema.js';
import { startThread } from '../../threads.js';
import type { MetricsQuery } from './answer.js';
import type { Answered, Built, MetricsBackend } from './local-metrics.js';

export type MetricsThreadRequest =
  | { type: 'refresh'; id: number; asOfMs: number }
  | { type: 'answer'; id: number; query: MetricsQuery }
  | { type: 'stop' };
export type MetricsThreadReply =
  | { type: 'refreshed'; id: number; built: Built }
  | { type: 'answered'; id: number; answered: Answered }
  | { type: 'failed'; id: number; message: string };

/** How long a stopping thread may take to close its store connection before it is terminated. */
const STOP_WAIT_MS = 1_000;

interface Pending {
  resolve: (value: never) => void;
  reject: (error: Error) => void;
}

/**
 * A LocalMetrics on a worker thread with its own store connection (thread-entry.ts):
 * reading a million transitions and computing every issue takes seconds, a report over 100k issues
 * a few hundred milliseconds, and better-sqlite3 reads synchronously, so on the main thread either
 * would hold up webhook intake. Only answers cross back: a serialised body, or the dashboard's
 * report. The thread starts with the first refresh and restarts with a later one if it dies
 * (starting over from a full read).
 */
export class MetricsThread implements MetricsBackend {
  private thread: Thread | null = null;
  private exited: Promise<void> = Promise.resolve();
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  /** Threads started so far: a restarted thread numbers its builds from 1 again. */
  private generation = 0;

  constructor(private readonly config: Config) {}

  async refresh(asOfMs: number): Promise<Built> {
    const built = await this.ask<Built>((id) => ({ type: 'refresh', id, asOfMs }));
    return { ...built, version: this.versionOf(built.version) };
  }

  async answer(query: MetricsQuery): Promise<Answered> {
    const answered = await this.ask<Answered>((id) => ({ type: 'answer', id, query }));
    return { ...answered, version: this.versionOf(answered.version) };
  }

  /** Build numbers that never repeat across restarts, so no answer of a dead thread's table is taken for a new one's. */
  private versionOf(version: number): number {
    return this.generation * 2 ** 32 + version;
  }

  async close(): Promise<void> {
    const thread = this.thread;
    if (!thread) return;
    thread.postMessage({ type: 'stop' } satisfies MetricsThreadRequest);
    // A build in progress holds the thread's event loop for seconds and only reads: stop it rather than wait.
    const stopped = await Promise.race([this.exited.then(() => true), delay(STOP_WAIT_MS, false)]);
    if (!stopped) await thread.terminate();
  }

  private ask<T>(request: (id: number) => MetricsThreadRequest): Promise<T> {
    const id = this.nextId++;
    const thread = this.thread ?? this.start();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: never) => void, reject });
      thread.postMessage(request(id));
    });
  }

  private start(): Thread {
    const thread = startThread('metrics/runtime/thread-entry', { config: this.config });
    this.thread = thread;
    this.generation++;
    // Idle between requests; the service's lifetime is decided elsewhere.
    thread.unref();
    this.exited = new Promise((resolve) => thread.once('exit', () => resolve()));
    thread.on('message', (reply: MetricsThreadReply) => {
      const pending = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.type === 'failed') pending?.reject(new Error(reply.message));
      else pending?.resolve((reply.type === 'refreshed' ? reply.built : reply.answered) as never);
    });
    let failure: Error | null = null;
    thread.on('error', (error) => (failure = error));
    thread.once('exit', (code) => {
      this.thread = null;
      const reason = failure ?? new Error(`metrics report thread exited with code ${code}`);
      for (const pending of this.pending.values()) pending.reject(reason);
      this.pending.clear();
    });
    return thread;
  }
}
