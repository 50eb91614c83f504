import type { FastifyReply, FastifyRequest } from 'fastify';
import { safeEqual } from '../safe-equal.js';
import { sendError } from './errors.js';

/**
 * A preHandler that requires `Authorization: Bearer <token>` when a token is configured
 * (also accepted as `?token=` so a browser can open the dashboard). Unset token: open.
 */
export function bearerGuard(token: string | undefined) {
  return async function guard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!token) return;
    const header = request.headers.authorization ?? '';
    const fromHeader = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    const fromQuery = (request.query as Record<string, unknown> | undefined)?.token;
    const given = fromHeader || (typeof fromQuery === 'string' ? fromQuery : '');
    if (!given || !safeEqual(given, token)) {
      await sendError(reply.header('www-authenticate', 'Bearer'), 'BK_UNAUTHORIZED');
    }
  };
}
