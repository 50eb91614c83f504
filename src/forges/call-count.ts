import { AsyncLocalStorage } from 'node:async_hooks';

interface CallCounter {
  calls: number;
  parent: CallCounter | undefined;
}

const current = new AsyncLocalStorage<CallCounter>();

/** Called by the forge clients' HTTP layer once per request sent (retries included). */
export function noteApiCall(): void {
  for (let counter = current.getStore(); counter; counter = counter.parent) counter.calls += 1;
}

/**
 * Run `work` and count the API requests it sends, even while other work shares the same client
 * concurrently: the count follows the async context, and nested counts add up to their parents.
 */
export async function countApiCalls<T>(work: () => Promise<T>): Promise<{ value: T; apiCalls: number }> {
  const counter: CallCounter = { calls: 0, parent: current.getStore() };
  const value = await current.run(counter, work);
  return { value, apiCalls: counter.calls };
}
