import { randomUUID } from 'node:crypto';
import { noAlerts, type Alerter } from '../alerts/alert.js';
import { deadLetterAlert } from '../alerts/dead-letter.js';
import type { Config } from '../config/schema.js';
import { isForgeError } from '../forges/errors.js';
import type { Logger } from '../logger.js';
import { DISCARD_METRICS, type AttemptResult, type MetricsSink } from '../observability/events.js';
import type { InboxRow, Outcome, Store } from '../store/store.js';
import { retryDelayMs } from '../domain/backoff.js';

export type DeliveryHandler = (row: InboxRow, log: Logger) => Promise<Outcome>;

export interface WorkerOptions {
  store: Store;
  handler: DeliveryHandler;
  settings: Config['worker'];
  log: Logger;
  workerId?: string;
  now?: () => Date;
  /** Where attempts are counted (the service's metrics, or the engine thread's forwarder). */
  metrics?: MetricsSink;
  /** Told about each new dead letter. */
  alerter?: Alerter;
}

/** What to do with a failed attempt: when to retry, or null to dead-letter. */
export function retryAt(error: unknown, attempts: number, settings: Config['worker'], now: Date): Date | null {
  if (isForgeError(error) && error.kind === 'rejected') return null;
  if (attempts >= settings.maxAttempts) return null;
  const retryAfterMs = isForgeError(error) ? error.retryAfterMs : null;
  // A bad token will not fix itself within seconds: wait the longest backoff.
  const attempt = isForgeError(error) && error.kind === 'auth' ? Number.MAX_SAFE_INTEGER : attempts;
  return new Date(
    now.getTime() +
      retryDelayMs(attempt, { baseMs: settings.backoffBaseMs, maxMs: settings.backoffMaxMs, retryAfterMs }),
  );
}

/**
 * Drains the inbox: claims deliveries (the store guarantees one issue's deliveries are handed out
 * one at a time, in order), runs the handler, commits the outcome, retries or dead-letters failures.
 */
export class Worker {
  readonly id: string;
  private running = false;
  private readonly inFlight = new Map<number, Promise<void>>();
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private authErrorLogged = false;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(private readonly options: WorkerOptions) {
    this.id = options.workerId ?? `worker-${randomUUID().slice(0, 8)}`;
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
    // Keep the leases of slow deliveries alive, so they are not taken over and run twice.
    const { leaseMs } = this.options.settings;
    this.heartbeat = setInterval(() => this.renewLeases(leaseMs), Math.max(leaseMs / 3, 50));
    this.heartbeat.unref();
  }

  private renewLeases(leaseMs: number): void {
    if (this.inFlight.size === 0) return;
    const held = [...this.inFlight.keys()];
    this.options.store.renew(held, this.id, leaseMs).then(
      (renewed) => {
        // Deliveries that finished meanwhile are not renewed either; only a shortfall beyond them is a loss.
        const stillHeld = held.filter((seq) => this.inFlight.has(seq)).length;
        if (renewed < stillHeld) {
          this.options.log.warn(
            { held: stillHeld, renewed },
            'leases were lost; another worker may take those deliveries over',
          );
        }
      },
      (error: unknown) =>
        this.options.log.warn({ err: error }, 'could not renew leases; they may expire and be taken over'),
    );
  }

  /** Claim now instead of at the next poll (called when a delivery was just stored). */
  notify(): void {
    this.wake?.();
  }

  /**
   * Stop claiming; wait for in-flight deliveries up to `graceMs`. Any still running keep their
   * claim until its lease expires: handing it back while the work goes on would let another
   * worker run the same delivery at the same time.
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.notify();
    await this.loop;
    const settled = Promise.allSettled(this.inFlight.values());
    const timedOut = await Promise.race([settled.then(() => false), sleep(graceMs).then(() => true)]);
    if (timedOut) {
      this.options.log.warn(
        { deliveries: this.inFlight.size, leaseMs: this.options.settings.leaseMs },
        'stopping with deliveries still running; they will be taken over when their leases expire',
      );
    }
  }

  private async run(): Promise<void> {
    const { settings, store, log } = this.options;
    while (this.running) {
      const free = settings.concurrency - this.inFlight.size;
      let claimed: InboxRow[] = [];
      if (free > 0) {
        try {
          claimed = await store.claim(free, this.id, settings.leaseMs);
        } catch (error) {
          log.error({ err: error }, 'could not claim deliveries; will try again');
        }
      }
      for (const row of claimed) {
        // Our own lease lapsed (renewals failed) while the work still runs: never run it twice.
        if (this.inFlight.has(row.seq)) continue;
        const task = this.process(row).finally(() => {
          this.inFlight.delete(row.seq);
          this.notify();
        });
        this.inFlight.set(row.seq, task);
      }
      if (claimed.length === 0 || this.inFlight.size >= settings.concurrency) await this.idle(settings.pollIntervalMs);
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  private async process(row: InboxRow): Promise<void> {
    const { store, handler, settings } = this.options;
    const now = this.options.now ?? (() => new Date());
    const log = this.options.log.child({
      deliveryId: row.id,
      forge: row.forge,
      event: row.event,
      attempt: row.attempts,
    });
    const startedAt = performance.now();
    const count = (result: AttemptResult) =>
      (this.options.metrics ?? DISCARD_METRICS).record({
        type: 'attempt',
        forge: row.forge,
        result,
        processingSeconds: (performance.now() - startedAt) / 1000,
        intakeToDoneSeconds:
          result === 'done' ? Math.max(0, now().getTime() - Date.parse(row.receivedAt)) / 1000 : null,
      });
    try {
      const outcome = await handler(row, log);
      const committed = await store.complete(row.seq, this.id, outcome);
      count(committed ? 'done' : 'lease_lost');
      if (committed)
        log.info(
          { transitions: outcome.transitions?.length ?? 0, actions: outcome.audit?.length ?? 0 },
          'delivery processed',
        );
      else log.warn('claim expired before completion; another worker will process this delivery');
    } catch (error) {
      const when = retryAt(error, row.attempts, settings, now());
      const message = error instanceof Error ? error.message : String(error);
      if (isForgeError(error) && error.kind === 'auth' && !this.authErrorLogged) {
        this.authErrorLogged = true;
        log.error(
          { status: error.status },
          `forge refused our credentials (${message}): check the ${row.forge} token and its scopes`,
        );
      }
      try {
        await store.fail(row.seq, this.id, message, when);
        // Counted once recorded: a failure the store did not take is attempted again, not dead.
        count(when ? 'retry' : 'dead');
      } catch (storeError) {
        // The lease will expire and the delivery will be claimed again: nothing is lost.
        log.error({ err: storeError }, 'could not record the failure');
        return;
      }
      if (when) log.warn({ err: error, retryAt: when.toISOString() }, 'delivery failed; will retry');
      else {
        log.error({ err: error }, 'delivery dead-lettered');
        // Not awaited: the alert's retries must not hold this worker's slot.
        void (this.options.alerter ?? noAlerts).send(deadLetterAlert(row, message, now()));
      }
    }
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
