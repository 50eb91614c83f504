import type { Config } from '../config/schema.js';
import type { Action, IssueEvent, IssueState, Transition } from '../domain/types.js';
import { readRulesMemory, updateIssueMemory, type RulesMemory } from '../domain/issue-memory.js';
import { overlayTo, trackedLabels } from '../domain/overlay.js';
import { analyseBody, type TemplateId, type Validation } from '../templates/index.js';
import { planDerived, wantedLabels } from './derived.js';
import { applyOps, emptyOps, withScopedExclusivity, type LabelOps } from './label-ops.js';
import { botCommentMarkers, policyLabels } from '../policies/resolve.js';
import { nextActivity } from './activity.js';
import { digest, renderReport } from './comment.js';
import { planStage } from './stage.js';
import { vocabularyFor, type Vocabulary } from './vocabulary.js';

/** What the rules decide for one event: forge actions, stage transitions to record, the issue's new state. */
export interface Decision {
  actions: Action[];
  transitions: Transition[];
  state: IssueState;
}

export function initialState(event: IssueEvent): IssueState {
  return {
    ref: event.issue,
    kind: null,
    stage: null,
    stageBeforeHold: null,
    stageBeforeClose: null,
    labels: event.labelsBefore,
    commentDigest: null,
    segment: null,
    title: event.title,
    createdAt: event.createdAt ?? null,
    closedAt: null,
    updatedAt: event.occurredAt,
    extra: {},
  };
}

/** Events the rules leave alone (an assignment changes no label; the pipeline records it). */
const INERT: ReadonlySet<IssueEvent['action']> = new Set([
  'deleted',
  'transferred',
  'assigned',
  'unassigned',
  'effort_changed',
]);

function authorOf(event: IssueEvent, memory: RulesMemory): string | null {
  return event.author ?? memory.author ?? (event.action === 'opened' ? event.actor.login : null);
}

function analyse(event: IssueEvent, canonicalLabels: string[], memory: RulesMemory, config: Config): Validation | null {
  const { thresholds, labels } = config;
  return analyseBody(
    event.body,
    canonicalLabels,
    labels.typePrefix,
    {
      author: authorOf(event, memory) ?? undefined,
      crmHosts: thresholds.crmHosts,
      taReviewAboveUsd: thresholds.taReviewAboveUsd,
      goLiveWarnAfterDays: thresholds.goLiveWarnAfterDays,
    },
    memory.template as TemplateId | null,
  ).validation;
}

type LabelsAction = Extract<Action, { type: 'labels' }>;

function labelAction(ops: LabelOps, labels: string[], inFlight: Set<string>): LabelsAction | null {
  const add = [...ops.add.keys()].filter((l) => !labels.includes(l));
  const remove = [...ops.remove.keys()].filter((l) => labels.includes(l) && !inFlight.has(l));
  if (add.length === 0 && remove.length === 0) return null;
  const reason = [...new Set([...add.map((l) => ops.add.get(l)), ...remove.map((l) => ops.remove.get(l))])].join('; ');
  return { type: 'labels', add, remove, reason };
}

function prefixed(labels: string[], prefix: string): string | null {
  const label = labels.find((l) => l.startsWith(prefix));
  return label ? label.slice(prefix.length) : null;
}

/** Removals still awaited: the label is still there and no one put it back in this event. */
function stillInFlight(memory: RulesMemory, event: IssueEvent): Set<string> {
  return new Set(memory.pendingRemove.filter((l) => event.labelsAfter.includes(l) && event.labelsBefore.includes(l)));
}

/** A board-card event carries no description (the engine fills in labels only): the body is unknown, not empty. */
function carriesBody(event: IssueEvent): boolean {
  return event.action !== 'board_status_changed';
}

function decideActive(event: IssueEvent, prior: IssueState, memory: RulesMemory, vocab: Vocabulary): Decision {
  const { config } = vocab;
  const canonicalLabels = event.labelsAfter.map(vocab.canonical);
  const validation = carriesBody(event) ? analyse(event, canonicalLabels, memory, config) : null;
  const template = validation?.template ?? null;
  const kind = vocab.kindOf(canonicalLabels, template) ?? template ?? prior.kind;
  const segmentValue = validation?.values['segment'];
  const segment =
    (Array.isArray(segmentValue) && typeof segmentValue[0] === 'string' ? segmentValue[0] : null) ??
    prefixed(canonicalLabels, config.labels.segmentPrefix) ??
    prior.segment;
  const progress = validation?.progress;
  const criteriaComplete = progress
    ? progress.total > 0 && progress.checked === progress.total
    : memory.criteriaComplete;
  const inFlight = stillInFlight(memory, event);
  const family = vocab.family(kind);

  const ops = emptyOps();
  const stage = planStage({ event, prior, memory, kind, segment, family, vocab, inFlight, criteriaComplete }, ops);
  const wanted = validation ? wantedLabels(validation, canonicalLabels, vocab) : memory.derived;
  if (validation) planDerived(wanted, memory.derived, event.labelsAfter, vocab, ops);

  const report = renderReport(
    validation,
    config.labels.commentMarker,
    config.labels.needsInfo,
    prior.commentDigest !== null,
  );
  const reportDigest = report === null ? prior.commentDigest : digest(report);
  const labels = labelAction(ops, event.labelsAfter, inFlight);
  const actions: Action[] = [];
  if (labels) actions.push(labels);
  if (report !== null && reportDigest !== prior.commentDigest)
    actions.push({ type: 'comment', marker: config.labels.commentMarker, body: report, reason: 'template check' });
  if (stage.boardAction) actions.push(stage.boardAction);

  const applied = labels ? applyOps(event.labelsAfter, ops) : event.labelsAfter;
  const labelsNow = labels && event.forge === 'gitlab' ? withScopedExclusivity(applied, labels.add) : applied;
  const nextMemory: RulesMemory = {
    template: template ?? memory.template,
    derived: wanted,
    pendingRemove: [...new Set([...inFlight, ...(labels?.remove ?? [])])],
    boardStage: stage.boardStage,
    criteriaComplete,
    outcome: prefixed(labelsNow.map(vocab.canonical), config.labels.outcomePrefix) ?? memory.outcome,
    author: authorOf(event, memory),
  };
  return {
    actions,
    transitions: [...stage.transitions, ...overlayTransitions(prior.labels, labelsNow, event, kind, segment, vocab)],
    state: {
      ...prior,
      ref: { ...prior.ref, ...event.issue },
      kind,
      stage: stage.stage,
      stageBeforeHold: stage.stageBeforeHold,
      stageBeforeClose: stage.stageBeforeClose,
      labels: labelsNow,
      commentDigest: reportDigest,
      segment,
      title: event.title,
      createdAt: prior.createdAt ?? event.createdAt ?? null,
      closedAt: event.state === 'closed' ? (prior.closedAt ?? event.occurredAt) : null,
      updatedAt: event.occurredAt,
      extra: updateIssueMemory(prior.extra, {
        rules: nextMemory,
        fields: validation ? durationFields(validation) : undefined,
      }),
    },
  };
}

/**
 * Labels the durations need to see come and go (blocked, outcomes) are recorded as overlay
 * transitions. Compared with the labels last known rather than the event's "before", so the
 * bot's own changes, echoed back by the forge, are recorded once.
 */
function overlayTransitions(
  known: string[],
  now: string[],
  event: IssueEvent,
  kind: string | null,
  segment: string | null,
  vocab: Vocabulary,
): Transition[] {
  const before = new Set(known.map(vocab.canonical));
  const after = new Set(now.map(vocab.canonical));
  return [...trackedLabels(vocab.config)]
    .filter((label) => before.has(label) !== after.has(label))
    .map((label) => ({
      forge: event.forge,
      project: event.issue.project,
      iid: event.issue.iid,
      from: null,
      to: overlayTo(label, after.has(label)),
      at: event.occurredAt,
      actor: event.actor.login,
      source: 'webhook',
      kind,
      segment,
    }));
}

/** The template fields metrics read (date overrides of duration start/end, the sold effort), as strings. */
function durationFields(validation: Validation): Record<string, string> {
  return Object.fromEntries(
    Object.entries(validation.values).flatMap(([id, value]) =>
      typeof value === 'string' ? [[id, value]] : typeof value === 'number' ? [[id, String(value)]] : [],
    ),
  );
}

/**
 * Pure: the rules for one event. Applying the returned actions and feeding the forge's resulting
 * webhooks back in yields no further actions and no duplicate transition (fixpoint).
 */
export function decide(event: IssueEvent, previous: IssueState | null, config: Config): Decision {
  const prior = previous ?? initialState(event);
  // A person's assignment is activity on GitHub as on GitLab (where it arrives as an update).
  const activity = nextActivity(event, previous, policyLabels(config), botCommentMarkers(config));
  // A comment is activity and nothing else: no label, stage, field or transition comes of it.
  if (event.action === 'commented')
    return { actions: [], transitions: [], state: { ...prior, extra: updateIssueMemory(prior.extra, { activity }) } };
  if (INERT.has(event.action))
    return {
      actions: [],
      transitions: [],
      state: { ...prior, updatedAt: event.occurredAt, extra: updateIssueMemory(prior.extra, { activity }) },
    };
  const decision = decideActive(event, prior, readRulesMemory(prior.extra), vocabularyFor(config));
  return { ...decision, state: { ...decision.state, extra: updateIssueMemory(decision.state.extra, { activity }) } };
}
