import { AsyncLocalStorage } from 'node:async_hooks';
import { noteApiCall } from './call-count.js';
import { isForgeError } from './errors.js';

/** Told about every request sent and every in-call retry (the service's metrics). */
export interface RequestObserver {
  sent(outcome: { value: unknown } | { error: unknown }): void;
  retried(): void;
}

export interface RequestPolicyOptions {
  /** Most requests in flight at once for this forge. */
  concurrency: number;
  /** Quick in-call retries of a transient failure; long backoff is the engine's job. */
  quickRetries?: number;
  /** First backoff step; doubled per retry, with full jitter. */
  retryBaseDelayMs?: number;
  /** A forge asking us to wait longer than this is not waited for in-call: the engine reschedules. */
  maxInCallWaitMs?: number;
  /** Per-request timeout; a slow response counts as a transient failure. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  observer?: RequestObserver;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Counting semaphore: at most `limit` holders; waiters are served in arrival order. */
class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }
}

/**
 * How every request to one forge is sent: bounded concurrency, a timeout, a count for the audit,
 * and a few quick retries of transient failures honouring the forge's Retry-After.
 */
export class RequestPolicy {
  private readonly slots: Semaphore;
  /** Set while a request holds a slot: a request made from inside it (token refresh) must not wait for a second one. */
  private readonly holding = new AsyncLocalStorage<true>();
  private readonly quickRetries: number;
  private readonly retryBaseDelayMs: number;
  private readonly maxInCallWaitMs: number;
  readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly observer: RequestObserver | undefined;

  constructor(options: RequestPolicyOptions) {
    this.slots = new Semaphore(options.concurrency);
    this.quickRetries = options.quickRetries ?? 2;
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 250;
    this.maxInCallWaitMs = options.maxInCallWaitMs ?? 5_000;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.observer = options.observer;
  }

  /**
   * Send one request. `attempt` performs it with the given abort signal and must throw a
   * ForgeError on failure (anything else is treated as a network failure).
   */
  async send<T>(attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
    for (let retry = 0; ; retry += 1) {
      try {
        return await this.once(attempt);
      } catch (error) {
        const wait = this.waitBeforeRetry(error, retry);
        if (wait === null) throw error;
        this.observer?.retried();
        await this.sleep(wait);
      }
    }
  }

  private async once<T>(attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const run = async () => {
      noteApiCall();
      try {
        const value = await attempt(AbortSignal.timeout(this.timeoutMs));
        this.observer?.sent({ value });
        return value;
      } catch (error) {
        this.observer?.sent({ error });
        throw error;
      }
    };
    if (this.holding.getStore()) return run();
    await this.slots.acquire();
    try {
      return await this.holding.run(true, run);
    } finally {
      this.slots.release();
    }
  }

  private waitBeforeRetry(error: unknown, retry: number): number | null {
    if (!isForgeError(error) || error.kind !== 'transient' || retry >= this.quickRetries) return null;
    if (error.retryAfterMs !== null) {
      if (error.retryAfterMs > this.maxInCallWaitMs) return null;
      // A little jitter on top, so a burst does not return in lockstep the moment the window opens.
      return error.retryAfterMs + Math.round(this.random() * this.retryBaseDelayMs);
    }
    return Math.round(this.random() * this.retryBaseDelayMs * 2 ** retry);
  }
}
