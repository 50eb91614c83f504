import type { Action, IssueEvent, IssueState, Transition } from '../domain/types.js';
import { addLabel, removeLabel, type LabelOps } from './label-ops.js';
import type { RulesMemory } from '../domain/issue-memory.js';
import { ruleTarget, stageForOption, type StageFamily, type Vocabulary } from './vocabulary.js';

export interface StageInput {
  event: IssueEvent;
  prior: IssueState;
  memory: RulesMemory;
  kind: string | null;
  segment: string | null;
  family: StageFamily;
  vocab: Vocabulary;
  /** Removals the bot asked for that the forge has not reported yet: never asked for twice. */
  inFlight: Set<string>;
  criteriaComplete: boolean;
}

export interface StageOutcome {
  stage: string | null;
  stageBeforeHold: string | null;
  stageBeforeClose: string | null;
  transitions: Transition[];
  boardStage: string | null;
  boardAction: Action | null;
}

interface Present {
  label: string;
  stage: string;
}

interface Move {
  to: string;
  source: 'webhook' | 'rule';
  reason: string;
}

function presentStages(input: StageInput): Present[] {
  return input.event.labelsAfter.flatMap((label) => {
    const stage = input.vocab.stageOf(label, input.family);
    return stage === null ? [] : [{ label, stage }];
  });
}

/**
 * Of several stage labels, the one a person put there last: a label added by this event (GitHub has
 * no scoped labels, so the older one is still there), else the stage we already know. Ties go to the
 * stage further along the board, so the choice is deterministic.
 */
function newest(present: Present[], input: StageInput): Present {
  const before = new Set(input.event.labelsBefore);
  // A label the bot added is its own earlier decision, already recorded; a late echo of it must not
  // outrank a person's move made in between.
  const added = input.event.actor.isBot ? [] : present.filter((p) => !before.has(p.label));
  const order = (p: Present) => input.family.stages.indexOf(p.stage);
  const ranked = [...(added.length > 0 ? added : present)].sort((a, b) => order(b) - order(a));
  const prior = input.prior.stage;
  const pick = added.length > 0 ? ranked.find((p) => p.stage !== prior) : ranked.find((p) => p.stage === prior);
  return pick ?? ranked[0]!;
}

function closeTarget(input: StageInput): string {
  const { vocab, family, kind } = input;
  for (const rule of vocab.rules) {
    if (!('closed' in rule.when) || (rule.kinds && !rule.kinds.includes(kind ?? ''))) continue;
    const to = ruleTarget(rule.moveTo, family, otherPrefixes(input));
    if (to) return to;
  }
  return family.closed;
}

function otherPrefixes(input: StageInput): string[] {
  const { stagePrefix, initiativePrefix } = input.vocab.config.labels;
  return [stagePrefix, initiativePrefix].filter((p) => p !== input.family.prefix);
}

function sameLabel(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** A configured rule that fires on this event (edge-triggered, so a person can move the issue back). */
function configuredMove(input: StageInput, current: string | null): Move | null {
  const { event, vocab, family, kind } = input;
  const before = new Set(event.labelsBefore);
  const added = event.labelsAfter
    .filter((l) => !before.has(l) && vocab.stageOf(l, family) === null)
    .map(vocab.canonical);
  for (const rule of vocab.rules) {
    if (rule.kinds && !rule.kinds.includes(kind ?? '')) continue;
    const to = ruleTarget(rule.moveTo, family, otherPrefixes(input));
    if (!to || to === current) continue;
    const { when } = rule;
    const fires =
      'labelAdded' in when
        ? added.some((l) => sameLabel(l, vocab.canonical(when.labelAdded)))
        : 'allExitCriteriaChecked' in when && input.criteriaComplete && !input.memory.criteriaComplete;
    if (fires) return { to, source: 'rule', reason: `rule: ${rule.name}` };
  }
  return null;
}

function holdLabelRemoved(input: StageInput): boolean {
  const { event, vocab, family, memory } = input;
  return event.labelsBefore.some(
    (l) =>
      vocab.stageOf(l, family) === family.hold && !event.labelsAfter.includes(l) && !memory.pendingRemove.includes(l),
  );
}

/** The move the rules make when the event itself did not move the stage. */
function ruleMove(input: StageInput, current: string | null, present: Present[]): Move | null {
  const { event, prior, family, kind } = input;
  if (event.action === 'board_status_changed') {
    // The bot's own Status change only mirrors a stage it already recorded; arriving late, it would undo a newer move.
    if (event.actor.isBot) return null;
    const to = stageForOption(event.boardStatus?.to, family);
    return to && to !== current
      ? { to, source: 'webhook', reason: `board status set to ${event.boardStatus?.to}` }
      : null;
  }
  if (event.action === 'closed' && current !== family.closed && (current !== null || kind !== null))
    return { to: closeTarget(input), source: 'rule', reason: 'issue closed' };
  if (event.action === 'reopened' && current === family.closed) {
    const back =
      prior.stageBeforeClose && prior.stageBeforeClose !== family.closed ? prior.stageBeforeClose : family.initial;
    return { to: back, source: 'rule', reason: 'issue reopened' };
  }
  if (current === null && kind !== null && event.state === 'open' && present.length === 0)
    return { to: family.initial, source: 'rule', reason: 'opened from a template' };
  if (current === family.hold && present.length === 0 && prior.stageBeforeHold && holdLabelRemoved(input))
    return {
      to: prior.stageBeforeHold,
      source: 'rule',
      reason: `${family.hold} removed: back to ${prior.stageBeforeHold}`,
    };
  return configuredMove(input, current);
}

/**
 * Keep exactly one stage label, record each stage change once, and make the moves the rules own
 * (intake, close, reopen, leaving hold, configured rules, board status). A move made by a person in
 * this event is never overridden.
 */
export function planStage(input: StageInput, ops: LabelOps): StageOutcome {
  const { event, prior, family, vocab, memory } = input;
  const out: StageOutcome = {
    stage: prior.stage,
    stageBeforeHold: prior.stageBeforeHold,
    stageBeforeClose: prior.stageBeforeClose,
    transitions: [],
    boardStage: memory.boardStage,
    boardAction: null,
  };
  const record = (to: string, source: Move['source']) => {
    const from = out.stage;
    if (to === family.hold && from !== family.hold) out.stageBeforeHold = from;
    if (to === family.closed && from !== family.closed) out.stageBeforeClose = from;
    out.transitions.push({
      forge: event.forge,
      project: event.issue.project,
      iid: event.issue.iid,
      from,
      to,
      at: event.occurredAt,
      actor: event.actor.login,
      source,
      kind: input.kind,
      segment: input.segment,
    });
    out.stage = to;
  };
  const drop = (label: string, reason: string) => {
    if (!input.inFlight.has(label)) removeLabel(ops, label, reason);
  };

  let present = presentStages(input);
  let movedByEvent = false;
  if (present.length > 0) {
    const keep = newest(present, input);
    for (const p of present) if (p.label !== keep.label) drop(p.label, `one stage at a time: ${keep.label} is newer`);
    present = [keep];
    // The bot's own label changes carry out moves it already recorded; the labels of a late echo of
    // one are those of that moment, not a move.
    movedByEvent = keep.stage !== out.stage && !event.actor.isBot;
    if (movedByEvent) record(keep.stage, 'webhook');
  }
  const move = movedByEvent ? null : ruleMove(input, out.stage, present);
  if (move) {
    for (const p of present) if (p.stage !== move.to) drop(p.label, move.reason);
    if (!present.some((p) => p.stage === move.to))
      addLabel(ops, vocab.written(`${family.prefix}${move.to}`), move.reason);
    record(move.to, move.source);
  }

  if (event.action === 'board_status_changed')
    out.boardStage = stageForOption(event.boardStatus?.to, family) ?? out.boardStage;
  else if (
    event.forge === 'github' &&
    out.stage !== null &&
    out.stage !== prior.stage &&
    out.stage !== out.boardStage
  ) {
    out.boardAction = {
      type: 'board-status',
      stage: out.stage,
      reason: `mirror ${family.prefix}${out.stage} on the board`,
    };
    out.boardStage = out.stage;
  }
  return out;
}
