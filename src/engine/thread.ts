import type { Worker as Thread } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { DISCARD_METRICS, type MetricEvent, type MetricsSink } from '../observability/events.js';
import { startThread } from '../threads.js';
import type { SweepReport } from '../sweep/report.js';
import type { Engine } from './engine.js';

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 30_000;

export type ThreadMessage =
  | { type: 'started' }
  | { type: 'notify' }
  | { type: 'stop'; graceMs: number }
  /** The thread's counts since its last batch (attempts, forge requests), for the main thread's registry. */
  | { type: 'metrics'; events: MetricEvent[] }
  /** A sweep finished on the engine thread (a leased job: see src/engine/jobs.ts). */
  | { type: 'swept'; report: SweepReport };

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
    private readonly metrics: MetricsSink = DISCARD_METRICS,
    /** Called on this thread with each finished sweep's report. */
    private readonly onSweep: (report: SweepReport) => void = () => {},
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.thread) return;
    this.stopping = false;
    const thread = startThread('engine/thread-entry', { config: this.config });
    this.thread = thread;
    this.exited = new Promise((resolve) => thread.once('exit', () => resolve()));
    thread.on('message', (message: ThreadMessage) => {
      if (message.type === 'swept') this.onSweep(message.report);
      if (message.type === 'started') {
        this.running = true;
        this.restartDelayMs = RESTART_MIN_MS;
      }
      if (message.type === 'metrics') for (const event of message.events) this.metrics.record(event);
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
    const thread = this.thread;
    thread.postMessage({ type: 'stop', graceMs } satisfies ThreadMessage);
    // Work still running after the grace period keeps the thread alive; its leases will expire.
    const exitedInTime = await Promise.race([this.exited.then(() => true), delay(graceMs + 5_000).then(() => false)]);
    if (!exitedInTime) await thread.terminate();
  }
}
