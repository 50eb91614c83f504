import type { FastifyPluginAsync } from 'fastify';
import type { Store } from '../store/store.js';
import { sendError } from './errors.js';

export interface HealthRoutesOptions {
  store: Store;
  workerRunning: () => boolean;
}

/** /healthz: the process answers. /readyz: it can do its job (store reachable, worker running). */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, options) => {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const checks: Record<string, string> = {};
    try {
      await options.store.ping();
      checks.store = 'ok';
    } catch {
      checks.store = 'unreachable';
    }
    checks.worker = options.workerRunning() ? 'ok' : 'stopped';
    const ready = Object.values(checks).every((v) => v === 'ok');
    if (!ready) return sendError(reply, 'BK_NOT_READY', { status: 'not ready', checks });
    return reply.send({ status: 'ready', checks });
  });
};
