import type { FastifyPluginAsync } from 'fastify';
import type { ServiceMetrics } from '../observability/service-metrics.js';
import { bearerGuard } from './auth.js';

export interface ServiceMetricsRoutesOptions {
  metrics: ServiceMetrics;
  metricsToken: string | undefined;
}

/** GET /metrics/service: the service's own Prometheus metrics, behind the same token as /metrics. */
export const serviceMetricsRoutes: FastifyPluginAsync<ServiceMetricsRoutesOptions> = async (app, options) => {
  app.addHook('preHandler', bearerGuard(options.metricsToken));
  app.get('/metrics/service', async (_request, reply) => {
    const { contentType, body } = await options.metrics.exposition();
    return reply.type(contentType).send(body);
  });
};
