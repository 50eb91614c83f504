import type { DigestInput } from '../../../src/reports/digest.js';
import { parseWeek, previousWeek } from '../../../src/reports/period.js';
import type {
  DurationReport,
  FinishedEngagement,
  MetricsReport,
  OpenEngagement,
  Stats,
} from '../../../src/metrics/contract.js';

const DAY = 86_400;
const NO_STATS: Stats = { count: 0, mean: null, median: null, p75: null, p90: null, min: null, max: null };

export function finished(
  iid: number,
  end: string,
  days: number,
  status: FinishedEngagement['status'],
  extra: Partial<FinishedEngagement> = {},
): FinishedEngagement {
  return {
    forge: 'github',
    project: 'acme/services',
    iid,
    title: `Customer ${iid}`,
    assignees: ['alice'],
    kind: 'sow-request',
    segment: 'enterprise',
    start: new Date(Date.parse(end) - days * DAY * 1000).toISOString(),
    end,
    seconds: days * DAY,
    activeSeconds: days * DAY,
    days,
    targetDays: 30,
    status,
    ...extra,
  };
}

export function open(
  iid: number,
  days: number,
  status: OpenEngagement['status'],
  forecast: OpenEngagement['forecast'],
  extra: Partial<OpenEngagement> = {},
): OpenEngagement {
  return {
    forge: 'gitlab',
    project: '42',
    iid,
    title: `Open ${iid}`,
    assignees: ['bob'],
    kind: 'sow-request',
    segment: null,
    stage: 'deployment',
    lastActivity: null,
    burn: null,
    start: '2026-11-01T00:00:00.000Z',
    seconds: days * DAY,
    activeSeconds: days * DAY,
    days,
    targetDays: 30,
    status,
    forecast,
    ...extra,
  };
}

function duration(name: string, finishedStats: Stats = NO_STATS, openCount = 0): DurationReport {
  return {
    name,
    targetSeconds: null,
    finished: finishedStats,
    withinTarget: null,
    finishedActive: finishedStats,
    open: { count: openCount, elapsed: NO_STATS, byStatus: { 'on-track': 0, 'at-risk': 0, breached: 0 } },
    stopped: 0,
    byKind: [],
    bySegment: [],
    byStage: [],
    byMonth: [],
  };
}

/** A /metrics report with nothing in it but what a test sets. */
export function report(
  parts: {
    finished?: FinishedEngagement[];
    open?: OpenEngagement[];
    byStage?: { stage: string; count: number }[];
    sowCycle?: Stats;
    byAssignee?: MetricsReport['byAssignee'];
    closed?: number;
    openTotal?: number;
  } = {},
): MetricsReport {
  const byStage = parts.byStage ?? [];
  const total = byStage.reduce((n, entry) => n + entry.count, 0);
  return {
    version: 1,
    generatedAt: '2026-12-07T08:00:00.000Z',
    unit: 'seconds',
    measure: 'calendar',
    filter: {},
    issues: { total, open: total - (parts.closed ?? 0), closed: parts.closed ?? 0, stale: 0, suggestLost: 0, byStage },
    durations: [
      duration('implementation', NO_STATS, parts.openTotal ?? parts.open?.length ?? 0),
      duration('sow_cycle_time', parts.sowCycle),
    ],
    stages: [],
    kpi: {
      name: 'implementation',
      targetDays: 30,
      atRiskAfterDays: 21,
      finished: parts.finished ?? [],
      open: parts.open ?? [],
      trend: [],
    },
    forecast: {
      minimumHistory: 10,
      draws: 10_000,
      byBucket: { likely: 0, uncertain: 0, unlikely: 0, 'no-target': 0, 'too-little-history': 0 },
    },
    byAssignee: parts.byAssignee ?? [],
    effort: { spentHours: 0, byBurn: { 'under-50': 0, '50-80': 0, '80-100': 0, 'over-100': 0, unknown: 0 } },
  };
}

/** 2026-W49: Monday 30 November to Sunday 6 December 2026, UTC. */
export const PERIOD = parseWeek('2026-W49', 'UTC');

export function digestInput(overrides: Partial<DigestInput> = {}): DigestInput {
  return {
    period: PERIOD,
    previous: previousWeek(PERIOD),
    all: report(),
    open: report(),
    initiatives: report(),
    crossings: [],
    outcomes: [],
    salesStages: ['intake', 'triage', 'sow-drafting', 'sow-signed'],
    sowCycleDuration: 'sow_cycle_time',
    issueUrl: (id) => (id.forge === 'github' ? `https://github.com/${id.project}/issues/${id.iid}` : null),
    dashboardUrl: 'https://boardkeeper.example.com',
    ...overrides,
  };
}
