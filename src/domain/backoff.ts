/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"):
 * a random delay in [0, min(max, base·2^(attempt-1))], so retrying replicas do not stampede.
 * A forge's Retry-After is a floor: we never come back sooner than it asked.
 */
export function retryDelayMs(
  attempt: number,
  options: { baseMs: number; maxMs: number; retryAfterMs?: number | null },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(ceiling * random());
  return Math.max(jittered, options.retryAfterMs ?? 0);
}
