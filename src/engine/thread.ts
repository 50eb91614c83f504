import { Worker as Thread } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { Engine } from './engine.js';

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

  constructor(
    private readonly config: Config,
    private readonly log: Logger,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.thread) return;
    const thread = startThread({ config: this.config });
    this.thread = thread;
    this.exited = new Promise((resolve) => thread.once('exit', () => resolve()));
    thread.on('message', (message: ThreadMessage) => {
      if (message.type === 'started') this.running = true;
    });
    thread.on('error', (error) => this.log.error({ err: error }, 'engine thread failed'));
    thread.once('exit', (code) => {
      this.running = false;
      this.thread = null;
      if (code !== 0) this.log.error({ code }, 'engine thread exited; deliveries stay queued until restart');
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
    if (!this.thread) return;
    this.thread.postMessage({ type: 'stop', graceMs } satisfies ThreadMessage);
    await this.exited;
  }
}
