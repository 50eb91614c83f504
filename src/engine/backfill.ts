import type { IssueState, Transition } from '../domain/types.js';
import type { ForgeClient, LabelHistoryEntry } from '../forges/forge.js';
import type { Store } from '../store/store.js';
import { recordMissingStates, stateFromHistory } from './backfill-state.js';
import { transitionsFromHistory, type BackfillVocabulary } from './backfill-transitions.js';
import { decodeIidRanges, encodeIidRanges } from './iid-ranges.js';

export interface BackfillProgress {
  /** Issues replayed in this run. */
  issues: number;
  /** Issues a previous, interrupted run already finished. */
  skippedIssues: number;
  entries: number;
  /** Transitions the store did not have yet (webhooks may have recorded the rest). */
  recorded: number;
}

export interface BackfillOptions {
  client: Pick<ForgeClient, 'forge' | 'listLabelHistory'>;
  store: Pick<Store, 'recordTransitions' | 'getCursor' | 'setCursor' | 'getIssueState' | 'putIssueState'>;
  vocabulary: BackfillVocabulary;
  project: string;
  since?: string;
  /** Issues per store write and resume point. */
  batchIssues?: number;
  onProgress?: (progress: Readonly<BackfillProgress>) => void;
  /** Stop after the issue in hand is written (Ctrl-C): the next run resumes there. */
  signal?: AbortSignal;
}

interface ResumePoint {
  since: string | null;
  done: string;
}

export function backfillCursorName(forge: string, project: string): string {
  return `backfill:${forge}:${project}`;
}

/** Issues finished by an interrupted run with the same `since`; a finished or different run starts over. */
function resumedIssues(saved: string | null, since: string | null): Set<number> {
  if (!saved) return new Set();
  try {
    const point = JSON.parse(saved) as ResumePoint;
    return point.since === since ? new Set(decodeIidRanges(point.done)) : new Set();
  } catch {
    return new Set();
  }
}

/**
 * Records every past stage change of a project as transitions, and the issue state (creation,
 * close, kind, stage) of each issue the store has none of. Idempotent (the store keys
 * transitions by issue, instant and stage, the same as the webhooks record them) and resumable:
 * after each batch the finished issues are saved in a cursor, and a rerun skips them.
 * Rate limits are the client's job (its throttling honours Retry-After); this reads one page at a time.
 */
export async function backfill(options: BackfillOptions): Promise<BackfillProgress & { completed: boolean }> {
  const { client, store, vocabulary, project } = options;
  const since = options.since ?? null;
  const batchIssues = options.batchIssues ?? 50;
  const cursorName = backfillCursorName(client.forge, project);
  const done = resumedIssues(await store.getCursor(cursorName), since);
  const progress: BackfillProgress = { issues: 0, skippedIssues: 0, entries: 0, recorded: 0 };
  let issue: LabelHistoryEntry[] = [];
  let pending: Transition[] = [];
  let pendingStates: IssueState[] = [];
  let pendingIssues = 0;
  let lastSkipped: number | null = null;

  const flush = async () => {
    if (pending.length > 0) progress.recorded += await store.recordTransitions(pending);
    await recordMissingStates(store, pendingStates);
    await store.setCursor(
      cursorName,
      JSON.stringify({ since, done: encodeIidRanges([...done]) } satisfies ResumePoint),
    );
    pending = [];
    pendingStates = [];
    pendingIssues = 0;
    options.onProgress?.(progress);
  };
  const finishIssue = async () => {
    if (issue.length === 0) return;
    const transitions = transitionsFromHistory(issue, vocabulary);
    pending.push(...transitions);
    const state = stateFromHistory(issue, transitions);
    if (state) pendingStates.push(state);
    done.add(issue[0]!.ref.iid);
    progress.issues++;
    issue = [];
    if (++pendingIssues >= batchIssues) await flush();
  };

  for await (const entry of client.listLabelHistory(project, options.since)) {
    progress.entries++;
    const iid = entry.ref.iid;
    if (issue.length > 0 && issue[0]!.ref.iid !== iid) {
      await finishIssue();
      if (options.signal?.aborted) break;
    }
    if (done.has(iid)) {
      if (lastSkipped !== iid) progress.skippedIssues++;
      lastSkipped = iid;
      continue;
    }
    issue.push(entry);
  }
  const completed = !options.signal?.aborted;
  if (completed) await finishIssue();
  await flush();
  if (completed) await store.setCursor(cursorName, '');
  return { ...progress, completed };
}
