import { retryDelayMs } from '../domain/backoff.js';
import { retryAfterMsFromHeaders } from '../forges/errors.js';

export interface RetryPolicy {
  maxAttempts: number;
  /** No attempt starts later than this after the first. */
  giveUpAfterMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  requestTimeoutMs: number;
}

export interface PostDeps {
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
}

export interface PostResult {
  ok: boolean;
  attempts: number;
  /** The last HTTP status, null when the last attempt got no response. */
  status: number | null;
  /** Why the last attempt failed, without the URL (it is a secret for Slack). */
  reason: string | null;
  elapsedMs: number;
}

interface Attempt {
  ok: boolean;
  retryable: boolean;
  status: number | null;
  reason: string | null;
  retryAfterMs: number | null;
}

const RETRYABLE_STATUS = (status: number) => status === 408 || status === 429 || status >= 500;

/** A short reason that never carries the URL: network errors name the host and port in their message. */
function reasonOf(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? cause.code : 'network error';
}

async function attempt(
  url: string,
  init: { headers: Record<string, string>; body: string },
  timeoutMs: number,
  deps: PostDeps,
  nowMs: number,
): Promise<Attempt> {
  try {
    // Redirects are not followed: a signed alert goes only where it was configured to go.
    const response = await deps.fetch(url, {
      method: 'POST',
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (response.status >= 200 && response.status < 300)
      return { ok: true, retryable: false, status: response.status, reason: null, retryAfterMs: null };
    return {
      ok: false,
      retryable: RETRYABLE_STATUS(response.status),
      status: response.status,
      reason: `HTTP ${response.status}`,
      retryAfterMs: retryAfterMsFromHeaders(Object.fromEntries(response.headers), nowMs),
    };
  } catch (error) {
    return { ok: false, retryable: true, status: null, reason: reasonOf(error), retryAfterMs: null };
  }
}

/**
 * POST with bounded retries: exponential backoff with full jitter, never sooner than Retry-After,
 * at most `maxAttempts`, and no attempt after `giveUpAfterMs`. 4xx other than 408/429 is final.
 */
export async function postWithRetry(
  url: string,
  init: { headers: Record<string, string>; body: string },
  policy: RetryPolicy,
  deps: PostDeps,
): Promise<PostResult> {
  const startedMs = deps.now();
  for (let attempts = 1; ; attempts++) {
    const result = await attempt(url, init, policy.requestTimeoutMs, deps, deps.now());
    const done = { ok: result.ok, attempts, status: result.status, reason: result.reason };
    if (result.ok || !result.retryable || attempts >= policy.maxAttempts)
      return { ...done, elapsedMs: deps.now() - startedMs };
    const delayMs = retryDelayMs(
      attempts,
      { baseMs: policy.backoffBaseMs, maxMs: policy.backoffMaxMs, retryAfterMs: result.retryAfterMs },
      deps.random,
    );
    if (deps.now() + delayMs - startedMs > policy.giveUpAfterMs) {
      return {
        ...done,
        reason: `${result.reason}; gave up (next attempt past alerts.giveUpAfterMs)`,
        elapsedMs: deps.now() - startedMs,
      };
    }
    await deps.sleep(delayMs);
  }
}
