import type { Worker as Thread } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import { startThread } from '../threads.js';
import type { IssueTable } from './table.js';

export type TableThreadRequest = { type: 'build'; id: number; asOfMs: number } | { type: 'stop' };
export type TableThreadReply = { type: 'built'; id: number; table: IssueTable } | { type: 'failed'; id: number; message: string };

interface Pending {
  resolve: (table: IssueTable) => void;
  reject: (error: Error) => void;
}

/**
 * Builds the metrics table on a worker thread with its own store connection (see
 * table-thread-entry.ts): reading a million transitions and computing every issue takes seconds,
 * and better-sqlite3 reads synchronously, so on the main thread it would hold up webhook intake.
 * The table comes back as transferred buffers. The thread starts with the first build and
 * restarts with the next one if it dies.
 */
export class TableThread {
  private thread: Thread | null = null;
  private exited: Promise<void> = Promise.resolve();
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(private readonly config: Config) {}

  build(asOfMs: number): Promise<IssueTable> {
    const id = this.nextId++;
    const thread = this.thread ?? this.start();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      thread.postMessage({ type: 'build', id, asOfMs } satisfies TableThreadRequest);
    });
  }

  async close(): Promise<void> {
    this.thread?.postMessage({ type: 'stop' } satisfies TableThreadRequest);
    await this.exited;
  }

  private start(): Thread {
    const thread = startThread('metrics/table-thread-entry', { config: this.config });
    this.thread = thread;
    // Idle between builds; the service's lifetime is decided elsewhere.
    thread.unref();
    this.exited = new Promise((resolve) => thread.once('exit', () => resolve()));
    thread.on('message', (reply: TableThreadReply) => {
      const pending = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.type === 'built') pending?.resolve(reply.table);
      else pending?.reject(new Error(reply.message));
    });
    let failure: Error | null = null;
    thread.on('error', (error) => (failure = error));
    thread.once('exit', (code) => {
      this.thread = null;
      const reason = failure ?? new Error(`metrics table thread exited with code ${code}`);
      for (const pending of this.pending.values()) pending.reject(reason);
      this.pending.clear();
    });
    return thread;
  }
}
