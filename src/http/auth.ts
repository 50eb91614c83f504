import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './errors.js';

/** Constant-time string comparison; hashing first makes the lengths equal so length leaks nothing. */
export function safeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

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
