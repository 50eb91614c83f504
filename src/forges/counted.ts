import { countApiCalls } from './call-count.js';
import { isForgeError } from './errors.js';
import type { CallResult } from './forge.js';

/** Returned by a client operation that deliberately left the forge alone. */
export class Skipped {
  constructor(readonly reason: string) {}
}

/** Runs one client operation and reports the requests it made (plus why it skipped, if it did). */
export async function counted(work: () => Promise<unknown>): Promise<CallResult> {
  const { value, apiCalls } = await countApiCalls(work);
  return value instanceof Skipped ? { apiCalls, skipped: value.reason } : { apiCalls };
}

/** For reads where a missing issue is an answer, not a failure. */
export function notFoundToNull<T>(promise: Promise<T>): Promise<T | null> {
  return promise.catch((error: unknown) => {
    if (isForgeError(error) && error.kind === 'not-found') return null;
    throw error;
  });
}
