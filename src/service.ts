import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Alerter } from './alerts/alert.js';
import type { Config } from './config/schema.js';
import type { ForgeName } from './domain/types.js';
import type { ForgeClient, ForgeFiling } from './forges/forge.js';
import { createWebhooks } from './forges/forge-webhooks.js';
import { buildApp } from './http/app.js';
import { auditRoutes } from './http/audit.js';
import { dashboardRoutes } from './http/dashboard.js';
import { metricsRoutes } from './http/metrics.js';
import { openApiRoutes } from './http/openapi/route.js';
import { serviceMetricsRoutes } from './http/service-metrics.js';
import { statusRoutes } from './http/status.js';
import type { Logger } from './logger.js';
import { LocalMetrics } from './metrics/runtime/local-metrics.js';
import { MetricsThread } from './metrics/runtime/thread.js';
import { MetricsAnswers } from './metrics/runtime/answer-cache.js';
import { metricsSettings } from './metrics/durations/settings.js';
import type { Engine } from './engine/engine.js';
import { EngineThread } from './engine/thread.js';
import { createLocalEngine } from './engine/local.js';
import type { JobName, RoomJobs } from './engine/jobs.js';
import { ServiceMetrics } from './observability/service-metrics.js';
import { createAlerter } from './alerts/alerter.js';
import { createForgeClients } from './forges/clients.js';
import { holderId } from './jobs/holder.js';
import { JobScheduler } from './jobs/scheduler.js';
import { digestDestinations, digestJob } from './reports/run.js';
import type { Store } from './store/store.js';

export interface Service {
  app: FastifyInstance;
  worker: Engine;
  store: Store;
  /** The service's own metrics (`GET /metrics/service`). */
  metrics: ServiceMetrics;
  /** Stop accepting, let in-flight work finish (or its leases expire), close the store. */
  close(): Promise<void>;
}

export interface ServiceOptions {
  config: Config;
  store: Store;
  log: Logger;
  /** For the in-process engine; null (the default) is dry-run for that forge. */
  clients?: Record<ForgeName, ForgeClient | null>;
  now?: () => Date;
  /** For the in-process engine's dead letters; the engine thread builds its own from `config.alerts`. */
  alerter?: Alerter;
  /**
   * `thread` (serve): the engine runs on a worker thread with its own store connection and forge
   * clients built from the config. `in-process` (tests): it uses the `clients` given here.
   */
  engine?: 'thread' | 'in-process';
  /** The leased jobs the in-process engine runs (those the config turns on); by default only prune. */
  jobs?: readonly JobName[];
  /**
   * The rooms' jobs (catch-up's `scheduledCatchUp`): with the in-process engine, beside its jobs;
   * with the engine thread, on this thread with forge clients of their own (they mostly wait on
   * the forges), since only the wiring may import a room.
   */
  roomJobs?: RoomJobs;
  /**
   * `thread` (serve): the metrics table behind /metrics and /dashboard is built, and their reports
   * computed, on a worker thread with its own store connection, so neither holds up intake.
   * `in-process` (tests, in-memory stores): from `store`, on this thread.
   */
  metricsTable?: 'thread' | 'in-process';
  /** Pass one to count the requests of `clients` built before the service; by default a new one. */
  metrics?: ServiceMetrics;
  /** Route groups beyond webhooks and health. */
  routes?: FastifyPluginAsync[];
  /**
   * Clients to file the scheduled digest with (serve; null: that forge in dry-run). Given, the
   * digest is sent on `reports.digest.schedule` from this thread, rendered from the same reports
   * as /metrics. Absent (tests, the demo): no scheduled digest.
   */
  filing?: Record<ForgeName, ForgeFiling | null>;
}

/** The rooms' jobs on this thread, with their own forge clients and alerter (see `roomJobs`). */
function roomScheduler(options: ServiceOptions, metrics: ServiceMetrics): JobScheduler {
  const { config, store, log } = options;
  const deps = {
    config,
    store,
    clients: createForgeClients(config, log, {}, metrics),
    alerter: options.alerter ?? createAlerter(config, { store, log }),
    log,
    metrics,
  };
  const jobs = (options.roomJobs?.(deps) ?? []).filter((job) => job !== null);
  return new JobScheduler(jobs, { store, holder: holderId(), log: log.child({ component: 'jobs' }) });
}

/** The engine, with the rooms' jobs started and stopped beside it. */
function withRoomJobs(engine: Engine, jobs: JobScheduler): Engine {
  return {
    get isRunning() {
      return engine.isRunning;
    },
    start() {
      engine.start();
      jobs.start();
    },
    notify: () => engine.notify(),
    async stop(graceMs) {
      await Promise.all([engine.stop(graceMs), jobs.stop()]);
    },
  };
}

/** Wire store, worker and HTTP app together. The caller listens and owns the store's lifetime through close(). */
export async function createService(options: ServiceOptions): Promise<Service> {
  const { config, store, log } = options;
  const clients = options.clients ?? { gitlab: null, github: null };
  const webhooks = createWebhooks(config);
  const metrics =
    options.metrics ??
    new ServiceMetrics(store, (error) => log.warn({ err: error }, 'metrics: could not read the inbox counts'));
  const engine: Engine =
    options.engine === 'thread'
      ? new EngineThread(config, log, metrics, (report) => metrics.recordSweep(report))
      : createLocalEngine({
          config,
          store,
          webhooks,
          clients,
          log,
          metrics,
          alerter: options.alerter,
          now: options.now,
          // As the engine always did in process: prune at start, sweep only when a test asks.
          jobs: options.jobs ?? ['prune'],
          roomJobs: options.roomJobs,
          firstCheckWithinMs: 0,
          onSweep: (report) => metrics.recordSweep(report),
        });
  const worker =
    options.engine === 'thread' && options.roomJobs ? withRoomJobs(engine, roomScheduler(options, metrics)) : engine;
  const reports = new MetricsAnswers(
    options.metricsTable === 'thread' ? new MetricsThread(config) : new LocalMetrics(store, metricsSettings(config)),
    config,
    {
      now: options.now ?? (() => new Date()),
      onRefreshError: (error) =>
        log.warn({ err: error }, 'metrics: refreshing the table failed; serving the previous one'),
    },
  );
  const app = await buildApp({
    log,
    store,
    webhooks,
    bodyLimitBytes: config.server.bodyLimitBytes,
    workerRunning: () => worker.isRunning,
    onStored: () => worker.notify(),
    metrics,
    routes: [
      async (scope) => scope.register(serviceMetricsRoutes, { metrics, metricsToken: config.metricsToken }),
      async (scope) => scope.register(auditRoutes, { store, config }),
      async (scope) => scope.register(metricsRoutes, { store, config, now: options.now, reports }),
      async (scope) => scope.register(dashboardRoutes, { store, config, now: options.now, reports }),
      async (scope) => scope.register(statusRoutes, { store, config, now: options.now, reports }),
      async (scope) => scope.register(openApiRoutes, { config }),
      ...(options.routes ?? []),
    ],
  });
  // Under serve the table is built on its thread from the start, not on the first request.
  if (options.metricsTable === 'thread') reports.warmUp();
  // The digest's job runs here, beside the reports it is rendered from (the engine thread has no metrics table).
  const digest =
    options.filing && config.reports.digest.enabled && digestDestinations(config).length > 0
      ? new JobScheduler(
          [digestJob({ config, store, metrics: (query) => reports.answer(query), filing: options.filing })],
          {
            store,
            holder: holderId(),
            now: options.now,
            log: log.child({ component: 'digest' }),
          },
        )
      : null;
  digest?.start();
  let closing: Promise<void> | null = null;
  return {
    app,
    worker,
    store,
    metrics,
    close() {
      closing ??= (async () => {
        // In-flight /metrics requests wait for the report thread: closing it answers them (with an error).
        await digest?.stop();
        await Promise.all([app.close().then(() => worker.stop()), reports.close()]);
        await store.close();
      })();
      return closing;
    },
  };
}
