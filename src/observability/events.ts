import type { ForgeName } from '../domain/types.js';

/** What intake answered a delivery. */
export type DeliveryOutcome = 'stored' | 'duplicate' | 'ignored' | 'invalid' | 'unauthorised' | 'store_unavailable';

/** What became of one processing attempt. */
export type AttemptResult = 'done' | 'retry' | 'dead' | 'lease_lost';

/**
 * One thing worth counting, as plain data: the engine thread has no registry of its own and
 * posts these to the main thread, whose registry `/metrics/service` exposes.
 */
export type MetricEvent =
  | { type: 'delivery'; forge: ForgeName; outcome: DeliveryOutcome }
  | {
      type: 'attempt';
      forge: ForgeName;
      result: AttemptResult;
      processingSeconds: number;
      /** From intake to done; only when the attempt completed the delivery. */
      intakeToDoneSeconds: number | null;
    }
  /** One request sent to a forge and what came back: an HTTP status, `network` or `timeout`. */
  | { type: 'forgeCall'; forge: ForgeName; status: string }
  /** A forge request retried within the call (the delivery's own retries are `attempt` results). */
  | { type: 'forgeRetry'; forge: ForgeName }
  /** A forge hook's health as catch-up read it (src/catchup). */
  | { type: 'hookHealth'; forge: ForgeName; hook: string; status: 'ok' | 'failing' | 'disabled' }
  /** Changes catch-up found missing: redelivered from the log, or recorded by reconcile. */
  | { type: 'caughtUp'; forge: ForgeName; path: 'log' | 'reconcile'; count: number };

export interface MetricsSink {
  record(event: MetricEvent): void;
}

/** For code run without a service around it (CLI commands, benchmarks). */
export const DISCARD_METRICS: MetricsSink = { record() {} };
