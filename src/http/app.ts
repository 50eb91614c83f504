import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Logger } from '../logger.js';
import { codeForThrown, sendError } from './errors.js';
import { healthRoutes, type HealthRoutesOptions } from './health.js';
import { webhookRoutes, type WebhookRoutesOptions } from './webhooks.js';

export interface AppOptions extends WebhookRoutesOptions, HealthRoutesOptions {
  log: Logger;
  bodyLimitBytes: number;
  /** Further route groups (metrics, audit, dashboard), each a fastify plugin with its options bound. */
  routes?: FastifyPluginAsync[];
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.log as FastifyBaseLogger,
    bodyLimit: options.bodyLimitBytes,
    // Deliveries are answered within milliseconds; a client that stalls longer is broken or hostile.
    requestTimeout: 30_000,
    // Each delivery logs what happened to it; a line per request would double the log volume.
    logController: new LogController({ disableRequestLogging: true }),
    // The id of a delivery is the forge's; requests get a short sequential id for correlation only.
    genReqId: (() => {
      let n = 0;
      return () => `r${(++n).toString(36)}`;
    })(),
  });

  // Never echo a body or a stack trace: a status, a stable code and a short reason are all a caller gets.
  app.setErrorHandler((error: { statusCode?: number; message: string; code?: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const code = codeForThrown(status);
    return sendError(reply, code, code === 'BK_BAD_REQUEST' ? { error: error.code ?? 'bad request' } : {}, status);
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 'BK_NOT_FOUND'));

  await app.register(healthRoutes, { store: options.store, workerRunning: options.workerRunning });
  await app.register(webhookRoutes, { store: options.store, webhooks: options.webhooks, onStored: options.onStored, metrics: options.metrics });
  for (const routes of options.routes ?? []) await app.register(routes);
  return app;
}
