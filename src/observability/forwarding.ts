import type { MetricEvent, MetricsSink } from './events.js';

const FLUSH_EVERY_MS = 1_000;
/** A burst flushes early, so a busy thread never holds more than this many events. */
const MAX_BUFFERED = 5_000;

/**
 * For a thread without a registry (the engine thread): buffers events and hands them over in
 * batches, once a second, to `post` (a postMessage to the main thread, whose registry counts them).
 */
export class ForwardingSink implements MetricsSink {
  private buffered: MetricEvent[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly post: (events: MetricEvent[]) => void,
    flushEveryMs = FLUSH_EVERY_MS,
  ) {
    this.timer = setInterval(() => this.flush(), flushEveryMs);
    this.timer.unref();
  }

  record(event: MetricEvent): void {
    this.buffered.push(event);
    if (this.buffered.length >= MAX_BUFFERED) this.flush();
  }

  flush(): void {
    if (this.buffered.length === 0) return;
    const batch = this.buffered;
    this.buffered = [];
    this.post(batch);
  }

  /** Hand over what is left and stop the timer. */
  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
