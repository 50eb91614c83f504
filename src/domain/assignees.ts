import type { Transition } from './types.js';
import { overlayTo } from './overlay.js';

/**
 * Assignee changes are recorded like overlay labels (see overlay.ts in this folder): `+assignee:alice` when
 * alice is assigned, `-assignee:alice` when unassigned, so they have history, dedupe in the store
 * like every transition, and need no schema change. Logins never contain `:`.
 */
const PREFIX = 'assignee:';

/** The login an overlay label names, or null for another label. */
export function assigneeOfLabel(label: string): string | null {
  return label.startsWith(PREFIX) ? label.slice(PREFIX.length) : null;
}

/** The `to` of a transition recording that `login` was assigned (`present`) or unassigned. */
export function assigneeOverlay(login: string, present: boolean): string {
  return overlayTo(PREFIX + login, present);
}

/** The transitions that take an issue's assignees from `before` to `after`, at one instant. */
export function assigneeTransitions(
  base: Omit<Transition, 'from' | 'to'>,
  before: readonly string[],
  after: readonly string[],
): Transition[] {
  const [was, is] = [new Set(before), new Set(after)];
  return [
    ...before
      .filter((login) => !is.has(login))
      .map((login) => ({ ...base, from: null, to: assigneeOverlay(login, false) })),
    ...after
      .filter((login) => !was.has(login))
      .map((login) => ({ ...base, from: null, to: assigneeOverlay(login, true) })),
  ];
}
