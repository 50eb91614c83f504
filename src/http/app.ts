import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Logger } from '../logger.js';
import { sendError, sendThrown, statusOfThrown, type ThrownError } from './errors.js';
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
    // The router's own refusals (a path that does not decode) answer like every other error.
    frameworkErrors: (error, _request, reply) => sendThrown(reply, error),
  });

  // Never echo a body or a stack trace: a status, a stable code and a short reason are all a caller gets.
  app.setErrorHandler((error: ThrownError, request, reply) => {
    if (statusOfThrown(error) >= 500) request.log.error({ err: error }, 'request failed');
    return sendThrown(reply, error);
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 'BK_NOT_FOUND'));

  await app.register(healthRoutes, { store: options.store, workerRunning: options.workerRunning });
  await app.register(webhookRoutes, {
    store: options.store,
    webhooks: options.webhooks,
    onStored: options.onStored,
    metrics: options.metrics,
  });
  for (const routes of options.routes ?? []) await app.register(routes);
  return app;
}
