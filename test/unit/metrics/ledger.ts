import type { IssueState, Transition } from '../../../src/domain/types.js';
import { overlayTo } from '../../../src/domain/overlay.js';

/**
 * Hand-computed engagements. Every expected number below was worked out by hand from these
 * histories (see the comments), not by running the code.
 */

type Step = [from: string | null, to: string, at: string];

function history(
  forge: 'gitlab' | 'github',
  project: string,
  iid: number,
  kind: string,
  segment: string,
  steps: Step[],
): Transition[] {
  return steps.map(([from, to, at]) => ({
    forge,
    project,
    iid,
    from,
    to,
    at,
    actor: 'ie',
    source: 'webhook',
    kind,
    segment,
  }));
}

export function state(
  forge: 'gitlab' | 'github',
  project: string,
  iid: number,
  overrides: Partial<IssueState> = {},
): IssueState {
  return {
    ref: { forge, project, iid },
    kind: null,
    stage: null,
    stageBeforeHold: null,
    stageBeforeClose: null,
    labels: [],
    commentDigest: null,
    segment: null,
    title: `issue ${iid}`,
    createdAt: null,
    closedAt: null,
    updatedAt: '2026-01-01T00:00:00Z',
    extra: {},
    ...overrides,
  };
}

/**
 * A: clean implementation with an on-hold pause, closed.
 * implementation 01-15 10:00:00 → 02-05 16:30:15 = 21d 6h30m15s = 1 837 815 s; on-hold 5 d → active 1 405 815 s.
 * time to value 01-10 12:00 → 02-05 16:30:15 = 26d 4h30m15s = 2 262 615 s.
 * delivery lead time 01-10 12:00 → 01-12 09:00 = 162 000 s. SOW cycle 01-05 09:00 → 01-10 12:00 = 442 800 s.
 * Open time 01-05 09:00 → 02-10 10:00 = 3 114 000 s.
 */
export const A = history('gitlab', '42', 1, 'implementation', 'enterprise', [
  [null, 'intake', '2026-01-05T09:00:00Z'],
  ['intake', 'sow-signed', '2026-01-10T12:00:00Z'],
  ['sow-signed', 'kickoff', '2026-01-12T09:00:00Z'],
  ['kickoff', 'deployment', '2026-01-15T10:00:00Z'],
  ['deployment', 'on-hold', '2026-01-20T10:00:00Z'],
  ['on-hold', 'deployment', '2026-01-25T10:00:00Z'],
  ['deployment', 'production-live', '2026-02-05T16:30:15Z'],
  ['production-live', 'closed', '2026-02-10T10:00:00Z'],
]);

/**
 * B: blocked 2.5 d, backward move, closed and reopened, still running at NOW (03-27 08:00).
 * implementation 03-03 08:00 → now = 24 d = 2 073 600 s (at-risk); active − 216 000 = 1 857 600 s.
 * Stages: handoff 86 400; deployment 7 d + 1 d + 13 d = 1 814 400; configuration 172 800; closed (1 d) is not open time.
 */
export const B = history('github', 'acme/web', 7, 'implementation', 'mm', [
  [null, 'handoff', '2026-03-02T08:00:00Z'],
  ['handoff', 'deployment', '2026-03-03T08:00:00Z'],
  [null, overlayTo('status::blocked', true), '2026-03-04T08:00:00Z'],
  [null, overlayTo('status::blocked', false), '2026-03-06T20:00:00Z'],
  ['deployment', 'configuration', '2026-03-10T08:00:00Z'],
  ['configuration', 'deployment', '2026-03-12T08:00:00Z'],
  ['deployment', 'closed', '2026-03-13T08:00:00Z'],
  ['closed', 'deployment', '2026-03-14T08:00:00Z'],
]);

/** B as the forge might deliver it: shuffled, twice, one duplicate recorded with a stale `from`. */
export const B_AS_DELIVERED: Transition[] = [
  B[5]!,
  B[2]!,
  B[7]!,
  B[0]!,
  { ...B[4]!, from: 'handoff', source: 'backfill' },
  B[1]!,
  B[6]!,
  B[3]!,
  B[4]!,
  B[1]!,
  B[7]!,
];

/** C: SOW lost in discovery. SOW cycle ends at `outcome::lost`: 04-01 10:00 → 04-20 10:00 = 1 641 600 s. */
export const C = history('gitlab', '42', 2, 'sow-request', 'smb', [
  [null, 'intake', '2026-04-01T10:00:00Z'],
  ['intake', 'discovery', '2026-04-03T10:00:00Z'],
  [null, overlayTo('outcome::lost', true), '2026-04-20T10:00:00Z'],
  ['discovery', 'closed', '2026-04-20T10:00:00Z'],
]);

/** D: implementation whose dates are overridden by fields: 05-01 → 06-15 = 45 d = 3 888 000 s, breached. */
export const D = history('gitlab', '42', 3, 'implementation', 'enterprise', [
  [null, 'deployment', '2026-05-03T00:00:00Z'],
  ['deployment', 'production-live', '2026-06-10T00:00:00Z'],
]);
export const D_STATE = state('gitlab', '42', 3, {
  kind: 'implementation',
  segment: 'enterprise',
  labels: ['type::implementation', 'segment::enterprise'],
  extra: { fields: { implementation_start: '2026-05-01', implementation_end: '2026-06-15' } },
});

export const NOW = Date.parse('2026-03-27T08:00:00Z');
export const LATER = Date.parse('2026-07-01T00:00:00Z');
