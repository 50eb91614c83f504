import { Worker as Thread } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { Engine } from './engine.js';

const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 30_000;

export type ThreadMessage = { type: 'started' } | { type: 'notify' } | { type: 'stop'; graceMs: number };

/** Under tsx (dev, tests) the sources are .ts and the thread needs tsx's loader too; once built, .js. */
const fromSource = import.meta.url.endsWith('.ts');
const entry = new URL(fromSource ? './thread-entry.ts' : './thread-entry.js', import.meta.url);

/** Loader hooks of the main thread do not reach worker threads: register tsx's in the thread first. */
function startThread(workerData: unknown): Thread {
  if (!fromSource) return new Thread(entry, { workerData });
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Thread(bootstrap, { eval: true, workerData });
}

/** Runs the engine (worker + pipeline) on a worker thread; see thread-entry.ts. */
export class EngineThread implements Engine {
  private thread: Thread | null = null;
  private running = false;
  private notifyQueued = false;
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;
  private restartDelayMs = RESTART_MIN_MS;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: Config,
    private readonly log: Logger,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.thread) return;
    this.stopping = false;
    const thread = startThread({ config: this.config });
    this.thread = thread;
    this.exited = new Promise((resolve) => thread.once('exit', () => resolve()));
    thread.on('message', (message: ThreadMessage) => {
      if (message.type === 'started') {
        this.running = true;
        this.restartDelayMs = RESTART_MIN_MS;
      }
    });
    thread.on('error', (error) => this.log.error({ err: error }, 'engine thread failed'));
    thread.once('exit', (code) => {
      this.running = false;
      this.thread = null;
      if (code === 0 || this.stopping) return;
      // E.g. the database was unreachable when the thread opened it: deliveries stay queued, and
      // the thread is started again with backoff, so the service heals without a restart.
      this.log.error({ code, restartInMs: this.restartDelayMs }, 'engine thread exited; starting it again');
      this.restartTimer = setTimeout(() => this.start(), this.restartDelayMs);
      this.restartTimer.unref();
      this.restartDelayMs = Math.min(this.restartDelayMs * 2, RESTART_MAX_MS);
    });
  }

  notify(): void {
    // One message per tick is enough however many deliveries the tick stored.
    if (!this.thread || this.notifyQueued) return;
    this.notifyQueued = true;
    setImmediate(() => {
      this.notifyQueued = false;
      this.thread?.postMessage({ type: 'notify' } satisfies ThreadMessage);
    });
  }

  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (!this.thread) return;
    this.thread.postMessage({ type: 'stop', graceMs } satisfies ThreadMessage);
    await this.exited;
  }
}
