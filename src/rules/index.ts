import type { Config } from '../config/schema.js';
import type { Action, IssueEvent, IssueState, Transition } from '../domain/types.js';

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

/**
 * Pure: the rules for one event. Placeholder until the rules engine lands: it records the
 * stage label changes it sees and plans no forge action.
 */
export function decide(event: IssueEvent, previous: IssueState | null, config: Config): Decision {
  const state = previous ?? initialState(event);
  const prefix = config.labels.stagePrefix;
  const stageOf = (labels: string[]) => labels.find((l) => l.startsWith(prefix))?.slice(prefix.length) ?? null;
  const to = stageOf(event.labelsAfter);
  const transitions: Transition[] =
    to !== null && to !== state.stage
      ? [
          {
            forge: event.forge,
            project: event.issue.project,
            iid: event.issue.iid,
            from: state.stage,
            to,
            at: event.occurredAt,
            actor: event.actor.login,
            source: 'webhook',
            kind: state.kind,
            segment: state.segment,
          },
        ]
      : [];
  return {
    actions: [],
    transitions,
    state: { ...state, stage: to ?? state.stage, labels: event.labelsAfter, title: event.title, updatedAt: event.occurredAt },
  };
}
