import type { EngagementFields } from '../contract.js';
import type { IssueMetrics } from '../durations/issue-metrics.js';
import { assigneesAt, type IssueTable } from './table.js';

/** What a CSV cell holds; null is an empty cell. */
export type Cell = string | number | boolean | null;

/**
 * One per-engagement column of /metrics, declared once: its key (and JSON type, in
 * `EngagementFields`), how it is read from a table row and from one issue's metrics, and how the
 * CSV and the dashboard show it. Where each surface lists it is `SURFACES` below.
 */
export interface EngagementColumn<K extends keyof EngagementFields> {
  key: K;
  /** Row i of the table (the report's engagement rows, the CSV). */
  at(table: IssueTable, i: number): EngagementFields[K];
  /** The same value from one issue's metrics (the per-issue answer, which needs no table). */
  of(issue: IssueMetrics): EngagementFields[K];
  /** Its CSV cells, one per header (none: not in the CSV). */
  csv: readonly { header: string; cell(value: EngagementFields[K]): Cell }[];
  /** Its heading in the dashboard's engagement tables, which show it as text (— for none). */
  heading?: string;
}

type AnyColumn = { [K in keyof EngagementFields]: EngagementColumn<K> }[keyof EngagementFields];

const itself = (value: Cell): Cell => value;
const iso = (ms: number): string => new Date(ms).toISOString();
/** An issue's last activity; null when nothing is known of it. */
const activityInstant = (ms: number): string | null => (Number.isFinite(ms) ? iso(ms) : null);

export const COLUMNS = {
  title: {
    key: 'title',
    at: (table, i) => table.title[i]!,
    of: (issue) => issue.title,
    csv: [{ header: 'title', cell: itself }],
  },
  assignees: {
    key: 'assignees',
    at: assigneesAt,
    of: (issue) => [...issue.assignees],
    /** Space-separated logins. */
    csv: [{ header: 'assignees', cell: (logins) => logins.join(' ') }],
  },
  kind: {
    key: 'kind',
    at: (table, i) => table.keys.kind[table.kind[i]!]!,
    of: (issue) => issue.kind,
    csv: [{ header: 'kind', cell: itself }],
  },
  segment: {
    key: 'segment',
    at: (table, i) => table.keys.segment[table.segment[i]!]!,
    of: (issue) => issue.segment,
    csv: [{ header: 'segment', cell: itself }],
    heading: 'Segment',
  },
  state: {
    key: 'state',
    at: (table, i) => (table.closed[i] ? 'closed' : 'open'),
    of: (issue) => (issue.closed ? 'closed' : 'open'),
    csv: [{ header: 'state', cell: itself }],
  },
  stage: {
    key: 'stage',
    at: (table, i) => table.keys.stage[table.stage[i]!]!,
    of: (issue) => issue.stage,
    csv: [{ header: 'stage', cell: itself }],
    heading: 'Stage',
  },
  created: {
    key: 'created',
    at: (table, i) => iso(table.createdMs[i]!),
    of: (issue) => iso(issue.createdMs),
    csv: [
      { header: 'created', cell: itself },
      { header: 'created_month', cell: (created) => created.slice(0, 7) },
    ],
  },
  openSeconds: {
    key: 'openSeconds',
    at: (table, i) => table.openMs[i]! / 1000,
    of: (issue) => issue.openMs / 1000,
    csv: [{ header: 'open_seconds', cell: itself }],
  },
  lastActivity: {
    key: 'lastActivity',
    at: (table, i) => activityInstant(table.lastActivityMs[i]!),
    of: (issue) => activityInstant(issue.lastActivityMs),
    csv: [],
  },
  stale: {
    key: 'stale',
    at: (table, i) => table.stale[i] === 1,
    of: (issue) => issue.stale,
    csv: [{ header: 'stale', cell: itself }],
  },
  suggestLost: {
    key: 'suggestLost',
    at: (table, i) => table.suggestLost[i] === 1,
    of: (issue) => issue.suggestLost,
    csv: [],
  },
} as const satisfies { [K in keyof EngagementFields]: EngagementColumn<K> };

/**
 * Where each surface lists the columns, in its order (a new column goes at the end of the lists
 * that show it; the contract's types in contract.ts pick the same keys).
 */
export const SURFACES = {
  /** `kpi.finished[]` and `kpi.open[]`, after the issue's id. */
  rows: [COLUMNS.title, COLUMNS.assignees, COLUMNS.kind, COLUMNS.segment],
  /** `kpi.open[]` only, after the KPI duration's `status`. */
  openRows: [COLUMNS.stage, COLUMNS.lastActivity],
  /** The CSV, after the issue's id, before the durations' columns. */
  csv: [
    COLUMNS.title,
    COLUMNS.kind,
    COLUMNS.segment,
    COLUMNS.state,
    COLUMNS.stage,
    COLUMNS.created,
    COLUMNS.openSeconds,
    COLUMNS.stale,
  ],
  /** The CSV, after the durations' columns, before the forecast's. */
  csvAfterDurations: [COLUMNS.assignees],
  /** GET /metrics/issues/…, after `unit`. */
  issue: [
    COLUMNS.kind,
    COLUMNS.segment,
    COLUMNS.state,
    COLUMNS.stage,
    COLUMNS.assignees,
    COLUMNS.openSeconds,
    COLUMNS.lastActivity,
    COLUMNS.stale,
    COLUMNS.suggestLost,
  ],
  /** The dashboard's tables of finished and open engagements, after the issue. */
  finishedTable: [COLUMNS.segment],
  openTable: [COLUMNS.stage, COLUMNS.segment],
} as const satisfies Record<string, readonly AnyColumn[]>;

type Fields<C extends readonly AnyColumn[]> = { [K in C[number]['key']]: EngagementFields[K] };

/** Adds the values of `columns` for table row i to `row`, in the order listed. */
export function withFieldsAt<R extends object, C extends readonly AnyColumn[]>(
  row: R,
  columns: C,
  table: IssueTable,
  i: number,
): R & Fields<C> {
  for (const column of columns) (row as Record<string, unknown>)[column.key] = column.at(table, i);
  return row as R & Fields<C>;
}

/** Adds the values of `columns` from one issue's metrics to `row`, in the order listed. */
export function withFieldsOf<R extends object, C extends readonly AnyColumn[]>(
  row: R,
  columns: C,
  issue: IssueMetrics,
): R & Fields<C> {
  for (const column of columns) (row as Record<string, unknown>)[column.key] = column.of(issue);
  return row as R & Fields<C>;
}

export const csvHeaders = (columns: readonly AnyColumn[]): string[] =>
  columns.flatMap((column) => column.csv.map(({ header }) => header));

/** Appends the CSV cells of `columns` for table row i to `cells`. */
export function pushCsvCells(cells: Cell[], columns: readonly AnyColumn[], table: IssueTable, i: number): void {
  for (const column of columns) {
    const value = column.at(table, i);
    for (const { cell } of column.csv) cells.push((cell as (value: unknown) => Cell)(value));
  }
}
