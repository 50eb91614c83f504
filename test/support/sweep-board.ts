import type { IssueState, Transition } from '../../src/domain/types.js';

const DAY = 86_400_000;

/**
 * A GitLab SOW request in deployment for `deploymentDaysAgo` days as of `nowMs`, as the store
 * knows it after the webhooks: its state (a person active on it yesterday) and its transitions.
 */
export function engagementInDeployment(
  iid: number,
  deploymentDaysAgo: number,
  nowMs: number,
): { state: IssueState; transitions: Transition[] } {
  const ref = { forge: 'gitlab' as const, project: '42', iid };
  const at = (daysAgo: number) => new Date(nowMs - daysAgo * DAY).toISOString();
  const personAt = at(1);
  return {
    state: {
      ref,
      kind: 'sow-request',
      stage: 'deployment',
      stageBeforeHold: null,
      stageBeforeClose: null,
      labels: ['stage::deployment', 'type::sow-request'],
      commentDigest: null,
      segment: null,
      title: `SOW ${iid}`,
      createdAt: at(deploymentDaysAgo + 20),
      closedAt: null,
      updatedAt: personAt,
      extra: { activity: { personAt } },
    },
    transitions: [
      {
        ...ref,
        from: null,
        to: 'intake',
        at: at(deploymentDaysAgo + 20),
        actor: 'ae',
        source: 'webhook',
        kind: 'sow-request',
      },
      {
        ...ref,
        from: 'intake',
        to: 'deployment',
        at: at(deploymentDaysAgo),
        actor: 'ie',
        source: 'webhook',
        kind: 'sow-request',
      },
    ],
  };
}

/** Store the engagements (state and transitions) as the worker would have. */
export async function seedEngagements(
  store: {
    putIssueState(state: IssueState): Promise<void>;
    recordTransitions(transitions: Transition[]): Promise<number>;
  },
  engagements: { state: IssueState; transitions: Transition[] }[],
): Promise<void> {
  for (const { state, transitions } of engagements) {
    await store.putIssueState(state);
    await store.recordTransitions(transitions);
  }
}
