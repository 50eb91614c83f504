import type { DurationEvent } from '../../config/schema.js';
import { readField, readPersonActivity } from '../../domain/issue-memory.js';
import type { IssueState } from '../../domain/types.js';
import type { ResolvedDefinition, MetricsSettings } from './settings.js';
import { effortFacts, type EffortFacts } from './effort.js';
import { assigneesFromTimeline, type Timeline } from './timeline.js';
import type { DurationState, IssueId, TargetStatus } from '../contract.js';
import { UNSTAGED, walk, type Segment, type Walk } from './walk.js';

/** What the metrics know about an issue besides its transitions. */
export interface IssueFacts {
  id: IssueId;
  /** Null for issues only known from transitions (e.g. backfilled, never seen by a webhook). */
  state: IssueState | null;
  /** Latest kind / segment carried by the issue's transitions. */
  kind: string | null;
  segment: string | null;
  timeline: Timeline;
}

/** One duration of one issue, in milliseconds of the configured measure. */
export interface IssueDuration {
  state: DurationState;
  startMs: number;
  endMs: number | null;
  ms: number;
  activeMs: number;
  targetMs: number | null;
  status: TargetStatus | null;
}

export interface IssueMetrics {
  id: IssueId;
  title: string | null;
  kind: string | null;
  segment: string | null;
  labels: readonly string[];
  /** Current assignees: the issue state's, else what the recorded assignment history ends with. */
  assignees: readonly string[];
  closed: boolean;
  /** Current stage; null when no stage is known. */
  stage: string | null;
  stageSinceMs: number;
  createdMs: number;
  openMs: number;
  stageMs: Map<string, number>;
  visits: Map<string, number>;
  durations: Map<string, IssueDuration>;
  segments: Segment[];
  /**
   * When a person last changed or commented on the issue (the bot's own changes and comments do not
   * count, once the rules have recorded one); before that, the last event known. Not finite when nothing is known.
   */
  lastActivityMs: number;
  /** Since `lastActivityMs`. */
  idleMs: number;
  stale: boolean;
  suggestLost: boolean;
  /** Time spent and estimated, sold hours and burn (README, "Effort and burn"). */
  effort: EffortFacts;
}

function parseInstant(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(ms) ? null : ms;
}

/** A date from the issue's template fields (its memory's `fields`); future dates are plans and ignored. */
function fieldInstant(state: IssueState | null, field: string | undefined, nowMs: number): number | null {
  if (!state || !field) return null;
  const at = parseInstant(readField(state.extra, field));
  return at !== null && at <= nowMs ? at : null;
}

function firstAtOrAfter(list: number[] | undefined, minMs: number): number | null {
  return list?.find((at) => at >= minMs) ?? null;
}

/** The first entry at or after `minMs` into any of `stages`. */
function firstEntering(replay: Walk, stages: ReadonlySet<string>, minMs: number): number | null {
  let first: number | null = null;
  for (const [stage, times] of replay.entered) {
    if (!stages.has(stage)) continue;
    const at = firstAtOrAfter(times, minMs);
    if (at !== null && (first === null || at < first)) first = at;
  }
  return first;
}

/** `reaching`: for end events, the stages whose entry counts as entering a stage; null: the stage itself only. */
function firstEvent(
  events: DurationEvent[],
  replay: Walk,
  createdMs: number,
  minMs: number,
  reaching: ReadonlyMap<string, ReadonlySet<string>> | null,
): number | null {
  let first: number | null = null;
  for (const event of events) {
    const reached = 'enter' in event ? reaching?.get(event.enter) : undefined;
    const at =
      'created' in event
        ? createdMs >= minMs
          ? createdMs
          : null
        : reached
          ? firstEntering(replay, reached, minMs)
          : 'enter' in event
            ? firstAtOrAfter(replay.entered.get(event.enter), minMs)
            : 'leave' in event
              ? firstAtOrAfter(replay.left.get(event.leave), minMs)
              : firstAtOrAfter(replay.labelAdded.get(event.labelAdded), minMs);
    if (at !== null && (first === null || at < first)) first = at;
  }
  return first;
}

function pausedWithin(segments: Segment[], startMs: number, endMs: number, settings: MetricsSettings): number {
  let paused = 0;
  for (const segment of segments) {
    if (!segment.paused || segment.endMs <= startMs || segment.startMs >= endMs) continue;
    paused += settings.measure(Math.max(startMs, segment.startMs), Math.min(endMs, segment.endMs));
  }
  return paused;
}

function statusOf(state: DurationState, ms: number, definition: ResolvedDefinition): TargetStatus | null {
  const { targetMs, atRiskMs } = definition;
  if (targetMs === null || state === 'stopped') return null;
  if (state === 'finished') return ms <= targetMs ? 'met' : 'breached';
  if (ms > targetMs) return 'breached';
  return atRiskMs !== null && ms > atRiskMs ? 'at-risk' : 'on-track';
}

interface Bounds {
  createdMs: number;
  nowMs: number;
  /** When the issue was closed, if it is closed now. */
  closedMs: number | null;
}

function duration(
  definition: ResolvedDefinition,
  facts: IssueFacts,
  replay: Walk,
  bounds: Bounds,
  settings: MetricsSettings,
): IssueDuration | null {
  const startMs =
    fieldInstant(facts.state, definition.startField, bounds.nowMs) ??
    firstEvent(definition.start, replay, bounds.createdMs, -Infinity, null);
  if (startMs === null) return null;
  const overriddenEnd = fieldInstant(facts.state, definition.endField, bounds.nowMs);
  const endMs =
    overriddenEnd !== null && overriddenEnd >= startMs
      ? overriddenEnd
      : // A clock that stops on entering a stage stops on reaching it: skipping the stage must not leave it running.
        firstEvent(definition.end, replay, bounds.createdMs, startMs, settings.stagesReaching);
  return measured(definition, startMs, endMs, bounds, replay.segments, settings);
}

/** A duration from its start and end (null: still running, or stopped by closing) measured as of `bounds.nowMs`. */
function measured(
  definition: ResolvedDefinition,
  startMs: number,
  endMs: number | null,
  bounds: Omit<Bounds, 'createdMs'>,
  segments: Segment[],
  settings: MetricsSettings,
): IssueDuration {
  const state: DurationState = endMs !== null ? 'finished' : bounds.closedMs !== null ? 'stopped' : 'open';
  const untilMs = endMs ?? Math.max(startMs, bounds.closedMs ?? bounds.nowMs);
  const ms = settings.measure(startMs, untilMs);
  const activeMs = ms - pausedWithin(segments, startMs, untilMs, settings);
  return {
    state,
    startMs,
    endMs,
    ms,
    activeMs,
    targetMs: definition.targetMs,
    status: statusOf(state, ms, definition),
  };
}

/** Every duration and stage time of one issue as of `nowMs`. Pure. */
export function issueMetrics(facts: IssueFacts, settings: MetricsSettings, nowMs: number): IssueMetrics {
  const { timeline, state } = facts;
  const createdAt = parseInstant(state?.createdAt);
  const createdMs = Math.min(createdAt ?? Infinity, timeline.firstAtMs);
  const replay = walk(
    timeline,
    createdMs,
    Math.max(nowMs, timeline.lastAtMs),
    settings.pausedStages,
    settings.pausedLabels,
  );
  const closedMs = closedAt(replay.stage, replay.stageSinceMs, state, settings);
  const stageMs = new Map<string, number>();
  let openMs = 0;
  for (const segment of replay.segments) {
    if (settings.terminalStages.has(segment.stage)) continue;
    const ms = settings.measure(segment.startMs, segment.endMs);
    stageMs.set(segment.stage, (stageMs.get(segment.stage) ?? 0) + ms);
    openMs += ms;
  }
  const bounds: Bounds = { createdMs, nowMs, closedMs };
  const durations = new Map<string, IssueDuration>();
  for (const definition of settings.definitions) {
    const result = duration(definition, facts, replay, bounds, settings);
    if (result) durations.set(definition.name, result);
  }
  const updatedMs = parseInstant(state?.updatedAt) ?? -Infinity;
  const personMs = parseInstant(state && readPersonActivity(state.extra));
  const lastActivityMs = personMs ?? Math.max(updatedMs, timeline.lastAtMs);
  const idleMs = nowMs - lastActivityMs;
  const closed = closedMs !== null;
  const stage = replay.stage === UNSTAGED ? null : replay.stage;
  return {
    id: facts.id,
    title: state?.title ?? null,
    kind: state?.kind ?? facts.kind,
    segment: state?.segment ?? facts.segment,
    labels: state?.labels ?? [],
    assignees: state?.assignees ?? assigneesFromTimeline(timeline),
    closed,
    stage,
    stageSinceMs: replay.stageSinceMs,
    createdMs,
    openMs,
    stageMs,
    visits: new Map([...replay.entered].map(([name, times]) => [name, times.length])),
    durations,
    segments: replay.segments,
    lastActivityMs,
    idleMs,
    ...idleFlags(closed, stage, idleMs, settings),
    effort: effortFacts(timeline, state),
  };
}

/** When the issue was closed, if it is closed now: on entering a terminal stage, else as its state says. */
function closedAt(
  stage: string,
  stageSinceMs: number,
  state: IssueState | null,
  settings: MetricsSettings,
): number | null {
  return settings.terminalStages.has(stage) ? stageSinceMs : parseInstant(state?.closedAt);
}

function idleFlags(
  closed: boolean,
  stage: string | null,
  idleMs: number,
  settings: MetricsSettings,
): Pick<IssueMetrics, 'stale' | 'suggestLost'> {
  return {
    stale: !closed && idleMs > settings.staleMs,
    suggestLost: !closed && stage !== null && settings.salesStages.has(stage) && idleMs > settings.suggestLostMs,
  };
}

/**
 * The metrics `issueMetrics` gives as of `toMs`, from those it gave as of `fromMs`, without the
 * timeline: when both instants are after the issue's last recorded change (`lastAtMs`), only the
 * clock moved. The walk is the same but for its last segment, which runs up to the instant; what
 * is measured up to "now" (open durations, the current stage's time, idle time) is measured again
 * from the instants it starts at. Null when something else could differ: an instant at or before
 * the last change, a template date passing between the two instants (a future date counts only
 * once it is past), or a closing date after either instant. Pure.
 */
export function advanceMetrics(
  metrics: IssueMetrics,
  lastAtMs: number,
  state: IssueState | null,
  settings: MetricsSettings,
  fromMs: number,
  toMs: number,
): IssueMetrics | null {
  const [earlier, later] = fromMs <= toMs ? [fromMs, toMs] : [toMs, fromMs];
  if (!Number.isFinite(lastAtMs) || earlier <= lastAtMs) return null;
  for (const definition of settings.definitions) {
    for (const field of [definition.startField, definition.endField]) {
      const at = fieldInstant(state, field, later);
      if (at !== null && at > earlier) return null;
    }
  }
  const closedMs = closedAt(metrics.stage ?? UNSTAGED, metrics.stageSinceMs, state, settings);
  if (closedMs !== null && closedMs > earlier) return null;
  const last = metrics.segments.at(-1);
  if (!last || last.endMs !== fromMs || last.startMs > lastAtMs) return null;
  const segments = [...metrics.segments.slice(0, -1), { ...last, endMs: toMs }];
  let { stageMs, openMs } = metrics;
  if (!settings.terminalStages.has(last.stage)) {
    const grown = settings.measure(last.startMs, toMs) - settings.measure(last.startMs, fromMs);
    stageMs = new Map(stageMs).set(last.stage, stageMs.get(last.stage)! + grown);
    openMs += grown;
  }
  let durations = metrics.durations;
  if ([...durations.values()].some((d) => d.state === 'open')) {
    durations = new Map();
    for (const definition of settings.definitions) {
      const d = metrics.durations.get(definition.name);
      if (!d) continue;
      durations.set(
        definition.name,
        d.state === 'open'
          ? measured(definition, d.startMs, null, { nowMs: toMs, closedMs: null }, segments, settings)
          : d,
      );
    }
  }
  const idleMs = toMs - metrics.lastActivityMs;
  return {
    ...metrics,
    stageMs,
    openMs,
    durations,
    segments,
    idleMs,
    ...idleFlags(metrics.closed, metrics.stage, idleMs, settings),
  };
}

/** Every issue's metrics as of `nowMs`. Pure. */
export function computeIssues(facts: readonly IssueFacts[], settings: MetricsSettings, nowMs: number): IssueMetrics[] {
  return facts.map((issue) => issueMetrics(issue, settings, nowMs));
}
