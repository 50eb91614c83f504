import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Config } from './config/schema.js';
import type { ForgeName } from './domain/types.js';
import type { ForgeClient, ForgeWebhooks } from './forges/forge.js';
import { createGithubWebhooks } from './forges/github/events.js';
import { createGitlabWebhooks } from './forges/gitlab/events.js';
import { buildApp } from './http/app.js';
import { auditRoutes } from './http/audit.js';
import { metricsRoutes } from './http/metrics.js';
import type { Logger } from './logger.js';
import { createPipeline } from './engine/pipeline.js';
import { Worker } from './engine/worker.js';
import type { Store } from './store/store.js';

export interface Service {
  app: FastifyInstance;
  worker: Worker;
  store: Store;
  clients: Record<ForgeName, ForgeClient | null>;
  /** Stop accepting, finish or release in-flight work, close the store. */
  close(): Promise<void>;
}

export function createWebhooks(config: Config): Record<ForgeName, ForgeWebhooks> {
  return {
    gitlab: createGitlabWebhooks({ secret: config.gitlab.webhookSecret, botUsers: config.botUsers }),
    github: createGithubWebhooks({ secret: config.github.webhookSecret, botUsers: config.botUsers }),
  };
}

export interface ServiceOptions {
  config: Config;
  store: Store;
  log: Logger;
  clients: Record<ForgeName, ForgeClient | null>;
  now?: () => Date;
  /** Route groups beyond webhooks and health. */
  routes?: FastifyPluginAsync[];
}

/** Wire store, worker and HTTP app together. The caller listens and owns the store's lifetime through close(). */
export async function createService(options: ServiceOptions): Promise<Service> {
  const { config, store, log, clients } = options;
  const webhooks = createWebhooks(config);
  const worker = new Worker({
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
