import type { IssueState, Transition } from '../../src/domain/types.js';
import { SqliteStore } from '../../src/store/sqlite.js';

/**
 * A small board with a known history, for the dashboard: finished implementations spread over
 * five months (some past the 30-day target), running ones in every risk status, sales issues
 * in early stages, and a title full of markup that must show as text.
 */

export const BOARD_NOW = Date.parse('2026-06-15T12:00:00Z');
const DAY = 86_400_000;

export const HOSTILE_TITLE = '<img src=x onerror="alert(1)"> Rollout & "cut-over" for O\'Brien';

interface Engagement {
  iid: number;
  segment: string;
  title: string;
  /** Days before BOARD_NOW. */
  created: number;
  deployment: number;
  /** Days before BOARD_NOW; null: still running. */
  live: number | null;
}

const IMPLEMENTATIONS: Engagement[] = [
  { iid: 101, segment: 'enterprise', title: 'Geo replication for Contoso', created: 170, deployment: 160, live: 138 },
  { iid: 102, segment: 'mm', title: 'CI migration, Fabrikam', created: 165, deployment: 150, live: 131.5 },
  { iid: 103, segment: 'smb', title: 'Runner fleet for Tailspin', created: 150, deployment: 140, live: 98 },
  { iid: 104, segment: 'enterprise', title: 'SSO and audit for Northwind', created: 135, deployment: 125, live: 99.25 },
  { iid: 105, segment: 'strategic', title: 'Platform rollout, Wingtip', created: 120, deployment: 110, live: 72 },
  { iid: 106, segment: 'mm', title: 'Pipeline templates for Litware', created: 110, deployment: 100, live: 82 },
  { iid: 107, segment: 'smb', title: 'Container registry move, Adatum', created: 95, deployment: 85, live: 60.5 },
  { iid: 108, segment: 'mm', title: 'Security scanning for Proseware', created: 80, deployment: 70, live: 42 },
  { iid: 109, segment: 'enterprise', title: 'Dedicated instance for Woodgrove', created: 70, deployment: 60, live: 26 },
  { iid: 110, segment: 'mm', title: 'Value streams for Lucerne', created: 60, deployment: 50, live: 31 },
  { iid: 111, segment: 'strategic', title: HOSTILE_TITLE, created: 50, deployment: 40, live: null },
  { iid: 112, segment: 'mm', title: 'Monorepo split for Relecloud', created: 40, deployment: 25, live: null },
  { iid: 113, segment: 'enterprise', title: 'Geo DR drill, Trey Research', created: 30, deployment: 10, live: null },
  { iid: 114, segment: 'smb', title: 'Starter rollout, Alpine Ski House', created: 20, deployment: 4, live: null },
];

/** Sales issues: [iid, segment, title, [stage, days before now][]]. */
const SALES: [number, string, string, [string, number][]][] = [
  [
    201,
    'mm',
    'SOW for Margie’s Travel',
    [
      ['intake', 20],
      ['triage', 19],
      ['discovery', 12],
      ['estimate', 5],
    ],
  ],
  [
    202,
    'smb',
    'Health check, Coho Winery',
    [
      ['intake', 9],
      ['triage', 8],
    ],
  ],
  [
    203,
    'enterprise',
    'Migration SOW, Blue Yonder',
    [
      ['intake', 45],
      ['triage', 44],
      ['discovery', 30],
      ['estimate', 21],
      ['sow-drafting', 14],
      ['sow-review', 6],
    ],
  ],
  [204, 'strategic', 'Advisory retainer, Humongous', [['intake', 2]]],
];

const PROJECT = 'ps/engagements';
/** Who works on each implementation now (sales issues have nobody assigned). */
const ENGINEERS = ['ie-alex', 'ie-priya', 'ie-sam'];
const assigneesOf = (iid: number, kind: string) =>
  kind === 'implementation' ? [ENGINEERS[iid % ENGINEERS.length]!] : [];
const at = (daysAgo: number) => new Date(BOARD_NOW - daysAgo * DAY).toISOString();

function path(iid: number, kind: string, segment: string, stages: [string, number][]): Transition[] {
  return stages.map(([to, daysAgo], index) => ({
    forge: 'gitlab',
    project: PROJECT,
    iid,
    from: index === 0 ? null : stages[index - 1]![0],
    to,
    at: at(daysAgo),
    actor: 'alice',
    source: 'webhook',
    kind,
    segment,
  }));
}

function implementationStages(e: Engagement): [string, number][] {
  const stages: [string, number][] = [
    ['intake', e.created],
    ['sow-signed', e.created - 4],
    ['kickoff', e.created - 7],
    ['deployment', e.deployment],
  ];
  if (e.live !== null) stages.push(['production-live', e.live], ['closed', e.live - 2]);
  return stages;
}

function issueState(iid: number, kind: string, segment: string, title: string, stages: [string, number][]): IssueState {
  const last = stages.at(-1)!;
  return {
    ref: { forge: 'gitlab', project: PROJECT, iid },
    kind,
    stage: last[0],
    stageBeforeHold: null,
    stageBeforeClose: null,
    labels: [`stage::${last[0]}`, `type::${kind}`, `segment::${segment}`],
    commentDigest: null,
    segment,
    title,
    createdAt: at(stages[0]![1]),
    closedAt: last[0] === 'closed' ? at(last[1]) : null,
    updatedAt: at(last[1]),
    assignees: assigneesOf(iid, kind),
    extra: {},
  };
}

export function boardHistory(): { transitions: Transition[]; states: IssueState[] } {
  const transitions: Transition[] = [];
  const states: IssueState[] = [];
  for (const engagement of IMPLEMENTATIONS) {
    const stages = implementationStages(engagement);
    transitions.push(...path(engagement.iid, 'implementation', engagement.segment, stages));
    states.push(issueState(engagement.iid, 'implementation', engagement.segment, engagement.title, stages));
  }
  for (const [iid, segment, title, stages] of SALES) {
    transitions.push(...path(iid, 'sow-request', segment, stages));
    states.push(issueState(iid, 'sow-request', segment, title, stages));
  }
  return { transitions, states };
}

/** An in-memory SQLite store holding the board history (or nothing, for empty states). */
export async function boardStore(
  history: { transitions: Transition[]; states: IssueState[] } = boardHistory(),
): Promise<SqliteStore> {
  const store = new SqliteStore({ path: ':memory:' });
  await store.migrate();
  await store.recordTransitions(history.transitions);
  for (const state of history.states) await store.putIssueState(state);
  return store;
}
