import type { Config } from '../config/schema.js';
import { PRESETS } from '../config/presets.js';
import type { IssueState, Transition } from '../domain/types.js';
import type { LabelHistoryEntry } from '../forges/forge.js';
import { toIsoTime } from '../forges/headers.js';
import { assigneeOverlay } from '../domain/assignees.js';
import { effortTransition, NO_EFFORT, sameEffort } from '../domain/effort.js';
import { overlayTo, trackedLabels } from '../domain/overlay.js';
import { vocabularyFor } from '../rules/vocabulary.js';

/** Replays one issue's label history in order, remembering what the webhooks' rules would. */
class LabelHistoryReplay {
  private stage: string | null = null;
  private stageBeforeClose: string | null = null;
  private kind: string | null = null;
  private segment: string | null = null;
  private readonly present = new Set<string>();
  private readonly assignees = new Set<string>();

  constructor(
    private readonly vocabulary: BackfillVocabulary,
    start?: ReplayStart,
  ) {
    if (!start) return;
    this.stage = start.stage;
    this.stageBeforeClose = start.stageBeforeClose;
    this.kind = start.kind;
    this.segment = start.segment;
    for (const label of start.labels)
      if (vocabulary.tracked.has(vocabulary.aliases[label] ?? label))
        this.present.add(vocabulary.aliases[label] ?? label);
    for (const login of start.assignees ?? []) this.assignees.add(login);
  }

  /** `at` is the entry's time already normalised like the webhooks' (so both dedupe in the store). */
  push(entry: LabelHistoryEntry, at: string): Transition[] {
    const { stagePrefix, typePrefix, segmentPrefix, closedStage } = this.vocabulary;
    const transition = (to: string, from: string | null): Transition => ({
      forge: entry.ref.forge,
      project: entry.ref.project,
      iid: entry.ref.iid,
      from,
      to,
      at,
      actor: entry.actor,
      source: 'backfill',
      kind: this.kind,
      segment: this.segment,
    });
    const moveTo = (stage: string | null): Transition[] => {
      if (stage === null || stage === this.stage) return [];
      const from = this.stage;
      if (stage === closedStage) this.stageBeforeClose = from;
      this.stage = stage;
      return [transition(stage, from)];
    };
    if (entry.action === 'assigned' || entry.action === 'unassigned') return this.assign(entry, transition);
    // As the webhooks do: only an issue on the board records its effort.
    if (entry.action === 'effort') {
      const onBoard = this.kind !== null || this.stage !== null;
      return entry.effort && onBoard && !sameEffort(entry.effort, NO_EFFORT)
        ? [effortTransition(transition('', null), entry.effort)]
        : [];
    }
    // As the rules do: an issue opened from a template (its kind known) starts in the first stage,
    // and closing an issue that never was on the board records nothing.
    if (entry.action === 'created')
      return this.stage === null && this.kind !== null ? moveTo(this.vocabulary.initialStage(this.kind)) : [];
    if (entry.action === 'closed') return this.stage === null && this.kind === null ? [] : moveTo(closedStage);
    if (entry.action === 'reopened') return this.stage === closedStage ? moveTo(this.stageBeforeClose) : [];
    const label = this.vocabulary.aliases[entry.label] ?? entry.label;
    const added = entry.action === 'add';
    if (label.startsWith(typePrefix)) this.kind = added ? label.slice(typePrefix.length) : null;
    if (label.startsWith(segmentPrefix)) this.segment = added ? label.slice(segmentPrefix.length) : null;
    // A removed stage label is followed by the added one (GitLab swaps scoped labels); the add moves.
    if (label.startsWith(stagePrefix)) return added ? moveTo(label.slice(stagePrefix.length)) : [];
    if (!this.vocabulary.tracked.has(label) || this.present.has(label) === added) return [];
    if (added) this.present.add(label);
    else this.present.delete(label);
    return [transition(overlayTo(label, added), null)];
  }

  /** An assignment as the webhooks record it (src/metrics/assignees.ts); repeated ones are dropped. */
  private assign(entry: LabelHistoryEntry, transition: (to: string, from: string | null) => Transition): Transition[] {
    const login = entry.assignee;
    const assigned = entry.action === 'assigned';
    if (!login || this.assignees.has(login) === assigned) return [];
    if (assigned) this.assignees.add(login);
    else this.assignees.delete(login);
    return [transition(assigneeOverlay(login, assigned), null)];
  }
}

/** Where a replay of only the later part of a history starts: what the store knew of the issue then. */
export type ReplayStart = Pick<IssueState, 'stage' | 'stageBeforeClose' | 'kind' | 'segment' | 'labels' | 'assignees'>;

export interface BackfillVocabulary {
  stagePrefix: string;
  typePrefix: string;
  segmentPrefix: string;
  closedStage: string;
  aliases: Record<string, string>;
  tracked: ReadonlySet<string>;
  /** Where an issue of this kind starts; null for kinds whose board is not the stage labels (initiatives). */
  initialStage(kind: string): string | null;
}

export function backfillVocabulary(config: Config): BackfillVocabulary {
  const vocabulary = vocabularyFor(config);
  return {
    stagePrefix: config.labels.stagePrefix,
    typePrefix: config.labels.typePrefix,
    segmentPrefix: config.labels.segmentPrefix,
    closedStage: config.durations.terminalStages[0] ?? 'closed',
    aliases: { ...(PRESETS[config.preset]?.aliases ?? {}), ...config.labels.aliases },
    tracked: trackedLabels(config),
    initialStage: (kind) => {
      const family = vocabulary.family(kind);
      return family.prefix === config.labels.stagePrefix ? family.initial : null;
    },
  };
}

/**
 * Within one instant: kind and segment labels first (so the transitions carry them), removals
 * before additions (a scoped-label swap), then creation (a stage label set in the form wins over
 * the first stage), close / reopen, then the effort as it is now.
 */
function rank(entry: LabelHistoryEntry, vocabulary: BackfillVocabulary): number {
  if (entry.action === 'effort') return 5;
  if (entry.action === 'closed' || entry.action === 'reopened') return 4;
  if (entry.action === 'created') return 3;
  const label = vocabulary.aliases[entry.label] ?? entry.label;
  if (label.startsWith(vocabulary.typePrefix) || label.startsWith(vocabulary.segmentPrefix)) return 0;
  return entry.action === 'remove' ? 1 : 2;
}

/**
 * The transitions the webhooks would have recorded for one issue's label history, from `start`
 * when the history begins after what the store already knows (catch-up's reconcile). Pure.
 */
export function transitionsFromHistory(
  entries: readonly LabelHistoryEntry[],
  vocabulary: BackfillVocabulary,
  start?: ReplayStart,
): Transition[] {
  const ordered = entries
    .map((entry) => ({ entry, at: toIsoTime(entry.at, ''), rank: rank(entry, vocabulary) }))
    .filter(({ at }) => at !== '')
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.rank - b.rank));
  const replay = new LabelHistoryReplay(vocabulary, start);
  return ordered.flatMap(({ entry, at }) => replay.push(entry, at));
}
