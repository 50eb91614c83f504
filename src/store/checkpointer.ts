import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Runs in the thread: its own connection, one PASSIVE checkpoint per request. */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or locked: the next request tries again, and nothing waits on a checkpoint.
  }
  parentPort.postMessage('done');
});
`;

/**
 * Copies WAL frames into the database file on a worker thread. SQLite's automatic checkpoint runs
 * inside whichever commit crosses the threshold, copying megabytes and fsyncing twice on the event
 * loop; a stall of that size on every few hundred deliveries is what request latency would pay.
 */
export class Checkpointer {
  private readonly thread: Worker;
  private busy = false;
  private readonly timer: NodeJS.Timeout;
  private closed: Promise<void> | null = null;
  private readonly exited: Promise<void>;

  /** `onFailure`: the thread died (it could not open the database); the caller checkpoints itself again. */
  constructor(path: string, onFailure: (error: Error) => void, intervalMs = 250) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.thread = new Worker(THREAD_SOURCE, { eval: true, workerData: { path, driver } });
    this.thread.unref();
    this.thread.on('message', () => (this.busy = false));
    this.thread.on('error', (error) => {
      clearInterval(this.timer);
      onFailure(error);
    });
    this.exited = new Promise((resolve) => this.thread.once('exit', () => resolve()));
    this.timer = setInterval(() => this.request(), intervalMs).unref();
  }

  private request(): void {
    if (this.busy || this.closed) return;
    this.busy = true;
    this.thread.postMessage('checkpoint');
  }

  /** Closes the thread's connection first, so the main connection is the last and cleans the WAL up. */
  close(): Promise<void> {
    clearInterval(this.timer);
    if (!this.closed) {
      this.thread.postMessage('close');
      this.closed = this.exited;
    }
    return this.closed;
  }
}
