import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyReply, type FastifyRequest, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Logger } from '../logger.js';
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
    // A path that cannot be decoded names no route: the plain 404, never fastify's default answer, which echoes the URL.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      if (error.code === 'FST_ERR_BAD_URL') return reply.code(404).header('x-robots-tag', 'noindex').send({ error: 'not found' });
      return reply.code(400).send({ error: 'bad request' });
    },
    // The id of a delivery is the forge's; requests get a short sequential id for correlation only.
    genReqId: (() => {
      let n = 0;
      return () => `r${(++n).toString(36)}`;
    })(),
  });

  // Never echo a body or a stack trace: a status and a short reason are all a caller gets.
  app.setErrorHandler((error: { statusCode?: number; message: string; code?: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const message = status === 413 ? 'body too large' : status === 415 ? 'unsupported content type' : status < 500 ? error.code ?? 'bad request' : 'internal error';
    return reply.code(status).send({ error: message });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not found' }));

  await app.register(healthRoutes, { store: options.store, workerRunning: options.workerRunning });
  await app.register(webhookRoutes, { store: options.store, webhooks: options.webhooks, onStored: options.onStored, metrics: options.metrics });
  for (const routes of options.routes ?? []) await app.register(routes);
  return app;
}
