import type { LabelHistoryEntry } from './forge.js';

type Settled = { slot: number; entries: LabelHistoryEntry[] } | { slot: number; error: unknown };

/**
 * Reads the histories of up to `concurrency` issues at once and yields each issue's entries
 * together as soon as they are all in: issues come in the order they finish, which the
 * `listLabelHistory` contract allows. The first failure ends the listing (backfill resumes later).
 */
export async function* concurrentHistories<Issue>(
  issues: AsyncIterable<Issue>,
  concurrency: number,
  historyOf: (issue: Issue) => Promise<LabelHistoryEntry[]>,
): AsyncGenerator<LabelHistoryEntry> {
  const source = issues[Symbol.asyncIterator]();
  const inFlight = new Map<number, Promise<Settled>>();
  let next = 0;
  let exhausted = false;
  const fill = async () => {
    while (!exhausted && inFlight.size < concurrency) {
      const step = await source.next();
      if (step.done) {
        exhausted = true;
        return;
      }
      const slot = next++;
      inFlight.set(
        slot,
        historyOf(step.value).then(
          (entries) => ({ slot, entries }),
          (error: unknown) => ({ slot, error }),
        ),
      );
    }
  };
  try {
    for (await fill(); inFlight.size > 0; await fill()) {
      const settled = await Promise.race(inFlight.values());
      inFlight.delete(settled.slot);
      if ('error' in settled) throw settled.error;
      yield* settled.entries;
    }
  } finally {
    await source.return?.();
  }
}

/** The entry that carries an issue's creation time (and title) into backfill. */
export function createdEntry(
  ref: LabelHistoryEntry['ref'],
  at: string,
  title: string,
  actor: string,
): LabelHistoryEntry {
  return { ref, label: '', action: 'created', at, actor, title };
}
