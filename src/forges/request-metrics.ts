import type { ForgeName } from '../domain/types.js';
import { isForgeError } from './errors.js';
import type { RequestObserver } from './request-policy.js';
import type { MetricsSink } from '../observability/events.js';

/** The status label of a forge request: the HTTP status when there was a response. */
export function requestStatus(outcome: { value: unknown } | { error: unknown }): string {
  if ('value' in outcome) {
    const status = (outcome.value as { status?: unknown } | null)?.status;
    return typeof status === 'number' ? String(status) : 'ok';
  }
  const { error } = outcome;
  if (isForgeError(error) && error.status !== null) return String(error.status);
  return error instanceof Error && /timeout|aborted/i.test(`${error.name} ${error.message}`) ? 'timeout' : 'network';
}

/** Counts one forge's requests and in-call retries into `sink`. */
export function forgeCallObserver(sink: MetricsSink, forge: ForgeName): RequestObserver {
  return {
    sent: (outcome) => sink.record({ type: 'forgeCall', forge, status: requestStatus(outcome) }),
    retried: () => sink.record({ type: 'forgeRetry', forge }),
  };
}
