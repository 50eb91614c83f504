import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Config } from './config/schema.js';
import type { ForgeName } from './domain/types.js';
import type { ForgeClient } from './forges/forge.js';
import { createWebhooks } from './forges/webhooks.js';
import { buildApp } from './http/app.js';
import { auditRoutes } from './http/audit.js';
import { dashboardRoutes } from './http/dashboard.js';
import { metricsRoutes } from './http/metrics.js';
import type { Logger } from './logger.js';
import { createPipeline } from './engine/pipeline.js';
import type { Engine } from './engine/engine.js';
import { EngineThread } from './engine/thread.js';
import { Worker } from './engine/worker.js';
import type { Store } from './store/store.js';

export interface Service {
  app: FastifyInstance;
  worker: Engine;
  store: Store;
  clients: Record<ForgeName, ForgeClient | null>;
  /** Stop accepting, finish or release in-flight work, close the store. */
  close(): Promise<void>;
}

export interface ServiceOptions {
  config: Config;
  store: Store;
  log: Logger;
  clients: Record<ForgeName, ForgeClient | null>;
  now?: () => Date;
  /**
   * `thread` (serve): the engine runs on a worker thread with its own store connection and forge
   * clients built from the config. `in-process` (tests): it uses the `clients` given here.
   */
  engine?: 'thread' | 'in-process';
  /** Route groups beyond webhooks and health. */
  routes?: FastifyPluginAsync[];
}

/** Wire store, worker and HTTP app together. The caller listens and owns the store's lifetime through close(). */
export async function createService(options: ServiceOptions): Promise<Service> {
  const { config, store, log, clients } = options;
  const webhooks = createWebhooks(config);
  const worker: Engine =
    options.engine === 'thread'
      ? new EngineThread(config, log)
      : new Worker({
          store,
          settings: config.worker,
          log: log.child({ component: 'worker' }),
          handler: createPipeline({ config, store, webhooks, clients, now: options.now }),
        });
  const app = await buildApp({
    log,
    store,
    webhooks,
    bodyLimitBytes: config.server.bodyLimitBytes,
    workerRunning: () => worker.isRunning,
    onStored: () => worker.notify(),
    routes: [
      async (scope) => scope.register(auditRoutes, { store, config }),
      async (scope) => scope.register(metricsRoutes, { store, config, now: options.now }),
      async (scope) => scope.register(dashboardRoutes, { store, config, now: options.now }),
      ...(options.routes ?? []),
    ],
  });
  let closing: Promise<void> | null = null;
  return {
    app,
    worker,
    store,
    clients,
    close() {
      closing ??= (async () => {
        await app.close();
        await worker.stop();
        await store.close();
      })();
      return closing;
    },
  };
}
