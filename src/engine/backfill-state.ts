import { updateIssueMemory } from '../domain/issue-memory.js';
import type { IssueState, Transition } from '../domain/types.js';
import type { LabelHistoryEntry } from '../forges/forge.js';
import { toIsoTime } from '../forges/headers.js';
import { parseOverlay } from '../domain/overlay.js';
import type { Store } from '../store/store.js';

const isStage = (to: string) => parseOverlay(to) === null;

/**
 * What the webhooks would have left in the issue state that durations read — creation and close
 * times, title, kind, segment, stage, labels — from one issue's history and the transitions
 * replayed from it. Pure; null without a `created` entry (a `--since` run that began later).
 */
export function stateFromHistory(
  entries: readonly LabelHistoryEntry[],
  transitions: readonly Transition[],
): IssueState | null {
  const created = entries.find((entry) => entry.action === 'created');
  if (!created) return null;
  const ordered = [...entries].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const labels = new Set<string>();
  let closedAt: string | null = null;
  for (const entry of ordered) {
    if (entry.action === 'add') labels.add(entry.label);
    if (entry.action === 'remove') labels.delete(entry.label);
    if (entry.action === 'closed') closedAt ??= toIsoTime(entry.at, '');
    if (entry.action === 'reopened') closedAt = null;
  }
  const last = transitions.at(-1);
  const stages = transitions.filter((transition) => isStage(transition.to));
  return {
    ref: created.ref,
    kind: last?.kind ?? null,
    stage: stages.at(-1)?.to ?? null,
    stageBeforeHold: null,
    stageBeforeClose: null,
    labels: [...labels],
    commentDigest: null,
    segment: last?.segment ?? null,
    title: created.title ?? '',
    createdAt: toIsoTime(created.at, ''),
    closedAt,
    updatedAt: toIsoTime(ordered.at(-1)!.at, ''),
    // It has not seen the bot's comments (see the pipeline's comment hint).
    extra: updateIssueMemory({}, { backfilled: true }),
  };
}

/** Stores the states of issues the store knows nothing of yet; a state the webhooks wrote is never replaced. */
export async function recordMissingStates(
  store: Pick<Store, 'getIssueState' | 'putIssueState'>,
  states: readonly IssueState[],
): Promise<number> {
  let written = 0;
  for (const state of states) {
    if (await store.getIssueState(state.ref)) continue;
    await store.putIssueState(state);
    written += 1;
  }
  return written;
}
