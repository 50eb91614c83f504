import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { InboxStatus, Store } from '../store/store.js';
import type { MetricEvent, MetricsSink } from './events.js';
import { recordSweepInto, sweepMetrics, type SweepOutcome } from './sweep.js';

const INBOX_STATUSES: InboxStatus[] = ['queued', 'processing', 'done', 'dead'];
const HOOK_STATUS_VALUE = { ok: 0, failing: 1, disabled: 2 } as const;

/** One delivery's work: milliseconds for label edits, seconds when a forge is slow. */
const PROCESSING_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Intake to done includes queueing and retries with backoff: seconds to hours. */
const INTAKE_TO_DONE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14_400];

/**
 * The service's own Prometheus metrics (`GET /metrics/service`), in a registry of its own so that
 * several services in one process (tests) never share counters. Events from any thread arrive
 * through `record`; queue depth is read from the store when scraped, so it is right across replicas.
 */
export class ServiceMetrics implements MetricsSink {
  readonly registry = new Registry();
  private readonly deliveries = new Counter({
    name: 'boardkeeper_deliveries_total',
    help: 'Webhook deliveries received, by what intake answered (store_unavailable: refused with 503; catch-up recovers what the forge does not resend)',
    labelNames: ['forge', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly attempts = new Counter({
    name: 'boardkeeper_delivery_attempts_total',
    help: 'Processing attempts by result: done, retry (scheduled again), dead (dead-lettered), lease_lost',
    labelNames: ['forge', 'result'] as const,
    registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: 'boardkeeper_delivery_retries_total',
    help: 'Failed attempts scheduled to be retried with backoff',
    labelNames: ['forge'] as const,
    registers: [this.registry],
  });
  private readonly deadLettered = new Counter({
    name: 'boardkeeper_dead_letters_total',
    help: 'Deliveries dead-lettered (see boardkeeper inbox; replay with boardkeeper replay)',
    labelNames: ['forge'] as const,
    registers: [this.registry],
  });
  private readonly processing = new Histogram({
    name: 'boardkeeper_delivery_processing_seconds',
    help: 'Time to process one attempt of a delivery: rules, forge calls and the commit',
    labelNames: ['forge', 'result'] as const,
    buckets: PROCESSING_BUCKETS,
    registers: [this.registry],
  });
  private readonly intakeToDone = new Histogram({
    name: 'boardkeeper_delivery_intake_to_done_seconds',
    help: 'Time from a delivery being received to its processing being committed, retries included',
    labelNames: ['forge'] as const,
    buckets: INTAKE_TO_DONE_BUCKETS,
    registers: [this.registry],
  });
  private readonly forgeCalls = new Counter({
    name: 'boardkeeper_forge_requests_total',
    help: 'Requests sent to a forge API, by HTTP status (or network / timeout)',
    labelNames: ['forge', 'status'] as const,
    registers: [this.registry],
  });
  private readonly forgeRetries = new Counter({
    name: 'boardkeeper_forge_request_retries_total',
    help: 'Forge requests retried within the call after a transient failure',
    labelNames: ['forge'] as const,
    registers: [this.registry],
  });
  private readonly hookHealth = new Gauge({
    name: 'boardkeeper_webhook_hook_status',
    help: "A forge hook's health at the last catch-up pass: 0 ok, 1 failing (its last delivery failed), 2 disabled (the forge stopped sending)",
    labelNames: ['forge', 'hook'] as const,
    registers: [this.registry],
  });
  private readonly caughtUp = new Counter({
    name: 'boardkeeper_catchup_recovered_total',
    help: "Missed changes catch-up recovered: log (redelivered from the forge's delivery log) or reconcile (read from the issues)",
    labelNames: ['forge', 'path'] as const,
    registers: [this.registry],
  });
  private readonly sweep = sweepMetrics(this.registry);

  constructor(store: Pick<Store, 'inboxCounts'>, onScrapeError: (error: unknown) => void = () => {}) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'boardkeeper_inbox_deliveries',
      help: 'Deliveries in the inbox by status (dead: dead letters waiting for a replay)',
      labelNames: ['status'] as const,
      registers: [this.registry],
      async collect() {
        try {
          const counts = await store.inboxCounts();
          for (const status of INBOX_STATUSES) this.set({ status }, counts[status]);
        } catch (error) {
          // A scrape while the database is away still answers, without the queue depth.
          this.reset();
          onScrapeError(error);
        }
      },
    });
  }

  record(event: MetricEvent): void {
    switch (event.type) {
      case 'delivery':
        this.deliveries.inc({ forge: event.forge, outcome: event.outcome });
        return;
      case 'attempt':
        this.attempts.inc({ forge: event.forge, result: event.result });
        this.processing.observe({ forge: event.forge, result: event.result }, event.processingSeconds);
        if (event.result === 'retry') this.retries.inc({ forge: event.forge });
        if (event.result === 'dead') this.deadLettered.inc({ forge: event.forge });
        if (event.intakeToDoneSeconds !== null)
          this.intakeToDone.observe({ forge: event.forge }, event.intakeToDoneSeconds);
        return;
      case 'forgeCall':
        this.forgeCalls.inc({ forge: event.forge, status: event.status });
        return;
      case 'forgeRetry':
        this.forgeRetries.inc({ forge: event.forge });
        return;
      case 'hookHealth':
        this.hookHealth.set({ forge: event.forge, hook: event.hook }, HOOK_STATUS_VALUE[event.status]);
        return;
      case 'caughtUp':
        this.caughtUp.inc({ forge: event.forge, path: event.path }, event.count);
        return;
    }
  }

  /** Count one run of the time-driven sweep and each of its actions. */
  recordSweep(report: SweepOutcome): void {
    recordSweepInto(this.sweep, report);
  }

  /** The Prometheus text exposition. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
