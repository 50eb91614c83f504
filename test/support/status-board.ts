import type { IssueState, Transition } from '../../src/domain/types.js';
import type { Store } from '../../src/store/store.js';
import { boardHistory } from './board-history.js';

/** Two running implementations of the board history with a customer each, so a page can be checked for the other's data. */
export const SHOWN = { iid: 112, customer: 'Relecloud Holdings' };
export const OTHER = { iid: 113, customer: 'Trey Research Group' };
export const STATUS_SECRET = 'status-secret-for-tests-0123456789abcdef';

/** The board history, the two engagements' template fields (as the rules keep them) filled in. */
export function statusBoard(): { transitions: Transition[]; states: IssueState[] } {
  const history = boardHistory();
  const customers = new Map([SHOWN, OTHER].map((engagement) => [engagement.iid, engagement.customer]));
  const states = history.states.map((state) => {
    const customer = customers.get(state.ref.iid);
    return customer === undefined
      ? state
      : {
          ...state,
          labels: [...state.labels, `secret-label-${state.ref.iid}`],
          extra: { ...state.extra, fields: { customer_name: customer } },
        };
  });
  return { transitions: history.transitions, states };
}

export async function seedStatusBoard(store: Store): Promise<void> {
  const { transitions, states } = statusBoard();
  await store.recordTransitions(transitions);
  for (const state of states) await store.putIssueState(state);
}
