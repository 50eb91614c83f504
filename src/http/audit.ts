import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config/schema.js';
import { auditQuerySchema } from '../forges/audit-query.js';
import type { Store } from '../store/store.js';
import { bearerGuard } from './auth.js';
import { sendError } from './errors.js';

export interface AuditRoutesOptions {
  store: Store;
  config: Pick<Config, 'metricsToken'>;
}

/** GET /audit: what was executed (or, in dry-run, planned), newest first; behind the metrics token. */
export const auditRoutes: FastifyPluginAsync<AuditRoutesOptions> = async (app, { store, config }) => {
  app.get('/audit', { preHandler: bearerGuard(config.metricsToken) }, async (request, reply) => {
    const { token: _token, ...query } = (request.query ?? {}) as Record<string, unknown>;
    const parsed = auditQuerySchema.safeParse(query);
    if (!parsed.success) {
      return sendError(reply, 'BK_AUDIT_BAD_QUERY', {
        issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      });
    }
    return { entries: await store.audit(parsed.data) };
  });
};
