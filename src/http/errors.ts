import type { FastifyReply } from 'fastify';

interface HttpErrorSpec {
  status: number;
  /** The short reason in the answer's `error` field (absent where the answer never had one). */
  error?: string;
  /** When the answer is given; docs/http-errors.md says it at length, with what to do. */
  meaning: string;
}

/**
 * Every error answer of the HTTP API, by a code that never changes meaning once released: callers
 * branch on `code`, not on the wording of `error`. docs/http-errors.md documents each one, and
 * test/unit/http/errors.test.ts keeps the two lists equal.
 */
export const HTTP_ERRORS = {
  BK_WEBHOOK_UNKNOWN_FORGE: { status: 404, meaning: 'POST /webhooks/:forge names a forge other than gitlab or github' },
  BK_WEBHOOK_BAD_SIGNATURE: {
    status: 401,
    error: 'unauthorized',
    meaning: 'the delivery is unsigned, or its signature or token does not match the webhook secret',
  },
  BK_WEBHOOK_INVALID_JSON: {
    status: 400,
    error: 'body is not valid JSON',
    meaning: 'a signed delivery whose body is not JSON',
  },
  BK_WEBHOOK_PAYLOAD_REJECTED: {
    status: 400,
    error: 'payload rejected',
    meaning: 'a signed JSON delivery of the wrong shape, or with an over-long delivery id',
  },
  BK_STORE_UNAVAILABLE: {
    status: 503,
    error: 'store unavailable, retry later',
    meaning: 'the store cannot take the delivery now; the forge is asked to retry',
  },
  BK_NOT_READY: { status: 503, meaning: '/readyz: the store is unreachable or the worker is stopped' },
  BK_UNAUTHORIZED: {
    status: 401,
    error: 'unauthorized',
    meaning: 'the metrics token is configured and the request does not carry it',
  },
  BK_METRICS_BAD_QUERY: {
    status: 400,
    error: 'bad_request',
    meaning: 'a /metrics query parameter or /metrics/issues path segment is invalid',
  },
  BK_METRICS_ISSUE_NOT_FOUND: {
    status: 404,
    error: 'not_found',
    meaning: 'no transitions are recorded for the issue asked for',
  },
  BK_AUDIT_BAD_QUERY: { status: 400, error: 'bad query', meaning: 'a /audit query parameter is invalid' },
  BK_DASHBOARD_BAD_QUERY: { status: 400, meaning: 'the /dashboard filters are invalid; the answer is an HTML page' },
  BK_NOT_FOUND: {
    status: 404,
    error: 'not found',
    meaning: 'no such route, dashboard asset, dashboard issue link or status link',
  },
  BK_BODY_TOO_LARGE: {
    status: 413,
    error: 'body too large',
    meaning: 'the request body exceeds server.bodyLimitBytes',
  },
  BK_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    error: 'unsupported content type',
    meaning: 'the body is not application/json where JSON is required',
  },
  BK_BAD_REQUEST: {
    status: 400,
    meaning: 'fastify refused the request before a route ran (its FST_ERR_* code is in `error`)',
  },
  BK_INTERNAL: {
    status: 500,
    error: 'internal error',
    meaning: 'an unexpected failure, logged with its stack; nothing of it is sent',
  },
} as const satisfies Record<`BK_${string}`, HttpErrorSpec>;

export type HttpErrorCode = keyof typeof HTTP_ERRORS;

/** Every error answer carries its code here too, so a client needs no body to tell (the dashboard's is HTML). */
export const ERROR_CODE_HEADER = 'boardkeeper-error-code';

/** The JSON of an error answer: the code's `error` reason unless `fields` gives its own, the fields, and the code. */
export function errorBody(code: HttpErrorCode, fields: Record<string, unknown> = {}): Record<string, unknown> {
  const spec: HttpErrorSpec = HTTP_ERRORS[code];
  return { ...(spec.error === undefined ? {} : { error: spec.error }), ...fields, code };
}

/** Sets the status and code header of an error answer whose body is not JSON (send it next). */
export function markError(
  reply: FastifyReply,
  code: HttpErrorCode,
  status: number = HTTP_ERRORS[code].status,
): FastifyReply {
  return reply.code(status).header(ERROR_CODE_HEADER, code);
}

/**
 * Answers with the code's status and JSON body. `fields` are the details the answer gives (never a
 * payload or a secret). `status` overrides only for fastify's own 4xx errors, which keep theirs.
 */
export function sendError(
  reply: FastifyReply,
  code: HttpErrorCode,
  fields: Record<string, unknown> = {},
  status?: number,
): FastifyReply {
  return markError(reply, code, status).send(errorBody(code, fields));
}

/** What fastify or a route threw, as far as an answer needs it. */
export interface ThrownError {
  statusCode?: number;
  code?: string;
}

/** The status an answer to a thrown error gets: the error's own 4xx/5xx, else 500. */
export function statusOfThrown(error: ThrownError): number {
  const status = error.statusCode;
  return status !== undefined && status >= 400 && status < 600 ? status : 500;
}

function codeForThrown(status: number): HttpErrorCode {
  if (status === 413) return 'BK_BODY_TOO_LARGE';
  if (status === 415) return 'BK_UNSUPPORTED_MEDIA_TYPE';
  return status < 500 ? 'BK_BAD_REQUEST' : 'BK_INTERNAL';
}

/**
 * Answers an error fastify raised itself (router, parsing, body limit, content type) or a route
 * threw. Never its message: it may quote the URL or the body. A 4xx names fastify's FST_ERR_* code.
 */
export function sendThrown(reply: FastifyReply, error: ThrownError): FastifyReply {
  const status = statusOfThrown(error);
  const code = codeForThrown(status);
  return sendError(reply, code, code === 'BK_BAD_REQUEST' ? { error: error.code ?? 'bad request' } : {}, status);
}
