import type { ForgeName } from '../domain/types.js';

/**
 * How a failed forge call should be treated. Forge clients translate their HTTP errors into
 * this one class so the engine decides retry / dead-letter without knowing the forge.
 */
export type ForgeErrorKind =
  /** 429 or 5xx or a network error: retry with backoff, honouring retryAfterMs. */
  | 'transient'
  /** 401/403: a configuration problem; retrying will not help until someone fixes the token. */
  | 'auth'
  /** 404/410: the issue was deleted or moved; record and skip. */
  | 'not-found'
  /** Any other 4xx: dead-letter with the forge's message. */
  | 'rejected';

export class ForgeError extends Error {
  constructor(
    readonly kind: ForgeErrorKind,
    message: string,
    readonly status: number | null,
    readonly retryAfterMs: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ForgeError';
  }
}

export function isForgeError(error: unknown): error is ForgeError {
  return error instanceof ForgeError;
}

export type ResponseHeaders = Record<string, string | undefined>;

const FORGE_TITLE: Record<ForgeName, string> = { gitlab: 'GitLab', github: 'GitHub' };
const TOKEN_HINT: Record<ForgeName, string> = {
  gitlab: 'check gitlab.token (needs the api scope and Reporter+ on the project)',
  github: 'check github.token or github.app (needs Issues: write and Projects: write)',
};

/** Parses a Retry-After value: delay in seconds or an HTTP date. */
function parseRetryAfter(value: string, nowMs: number): number | null {
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/**
 * How long the forge asks us to wait: `Retry-After`, else the reset of an exhausted rate-limit
 * window (GitHub `x-ratelimit-reset`, GitLab `ratelimit-reset`, both epoch seconds).
 */
export function retryAfterMsFromHeaders(headers: ResponseHeaders, nowMs: number = Date.now()): number | null {
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined) {
    const parsed = parseRetryAfter(retryAfter, nowMs);
    if (parsed !== null) return parsed;
  }
  for (const prefix of ['x-ratelimit', 'ratelimit']) {
    const remaining = headers[`${prefix}-remaining`];
    const reset = headers[`${prefix}-reset`];
    if (remaining === '0' && reset !== undefined && /^\d+$/.test(reset)) {
      return Math.max(0, Number(reset) * 1000 - nowMs);
    }
  }
  return null;
}

/** GitHub answers an exhausted (primary or secondary) rate limit with 403, not 429. */
function isRateLimited(status: number, message: string, headers: ResponseHeaders): boolean {
  if (status === 429) return true;
  if (status !== 403) return false;
  return (
    headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined || /rate limit/i.test(message)
  );
}

/** GitHub: after a secondary rate limit without `retry-after`, wait at least a minute before trying again. */
const SECONDARY_LIMIT_WAIT_MS = 60_000;

function secondaryLimitWait(forge: ForgeName, message: string): number | null {
  return forge === 'github' && /secondary rate limit/i.test(message) ? SECONDARY_LIMIT_WAIT_MS : null;
}

export interface FailedResponse {
  forge: ForgeName;
  /** null: no response at all (network error, timeout). */
  status: number | null;
  message: string;
  headers: ResponseHeaders;
  /** What was being attempted, e.g. `PUT projects/1/issues/2`. */
  request: string;
  cause?: unknown;
}

/** The one mapping from a failed forge request to the engine's error kinds. */
export function forgeErrorFromResponse(failure: FailedResponse, nowMs: number = Date.now()): ForgeError {
  const { forge, status, headers, request, cause } = failure;
  const title = FORGE_TITLE[forge];
  const message = failure.message || 'no message';
  if (status === null) {
    return new ForgeError('transient', `${title} ${request}: no response (${message})`, null, null, { cause });
  }
  const retryAfterMs = retryAfterMsFromHeaders(headers, nowMs) ?? secondaryLimitWait(forge, message);
  if (status >= 500 || isRateLimited(status, message, headers)) {
    return new ForgeError('transient', `${title} ${request}: ${status} ${message}`, status, retryAfterMs, { cause });
  }
  if (status === 401 || status === 403) {
    return new ForgeError(
      'auth',
      `${title} refused our credentials (${status} ${message}) on ${request}: ${TOKEN_HINT[forge]}`,
      status,
      null,
      { cause },
    );
  }
  if (status === 404 || status === 410) {
    return new ForgeError('not-found', `${title} ${request}: ${status} ${message} (deleted or moved?)`, status, null, {
      cause,
    });
  }
  return new ForgeError('rejected', `${title} ${request}: ${status} ${message}`, status, null, { cause });
}
