import { z } from 'zod';
import { FilterError } from '../metrics/table/filter.js';
import { DAY_MS } from '../metrics/durations/measure.js';

/** The creation windows offered by the period filter; the key is what the URL carries. */
export const PERIODS = [
  { key: 'all', label: 'All time', days: null },
  { key: '30d', label: 'Last 30 days', days: 30 },
  { key: '90d', label: 'Last 90 days', days: 90 },
  { key: '180d', label: 'Last 6 months', days: 180 },
  { key: '365d', label: 'Last 12 months', days: 365 },
] as const;

export type PeriodKey = (typeof PERIODS)[number]['key'];

/** What the dashboard's filter form asks for. */
export interface DashboardSelection {
  kind: string | null;
  segment: string | null;
  period: PeriodKey;
}

// A GET form sends unset selects as empty values (`?kind=&segment=mm`): empty means "any".
const optional = z.preprocess((value) => (value === '' ? undefined : value), z.string().optional());
const periodKeys = PERIODS.map((period) => period.key) as [PeriodKey, ...PeriodKey[]];

export const dashboardQuery = z
  .object({
    kind: optional,
    segment: optional,
    period: z.preprocess((value) => (value === '' ? undefined : value), z.enum(periodKeys).default('all')),
    token: z.string().optional(),
  })
  .strict();

/** Reads the dashboard's query string; throws FilterError naming the first bad parameter. */
export function parseDashboardQuery(query: unknown): { selection: DashboardSelection; token: string | undefined } {
  const parsed = dashboardQuery.safeParse(query ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') throw new FilterError(issue.keys.join(', '), 'unknown parameter');
    throw new FilterError(String(issue.path[0] ?? 'query'), issue.message);
  }
  const { kind, segment, period, token } = parsed.data;
  return { selection: { kind: kind ?? null, segment: segment ?? null, period }, token };
}

/** The /metrics query string parameters that select the same issues as `selection` does at `nowMs`. */
export function metricsQueryFor(selection: DashboardSelection, nowMs: number): Record<string, string> {
  const query: Record<string, string> = {};
  if (selection.kind !== null) query.kind = selection.kind;
  if (selection.segment !== null) query.segment = selection.segment;
  const days = PERIODS.find((period) => period.key === selection.period)?.days ?? null;
  if (days !== null) query.from = new Date(nowMs - days * DAY_MS).toISOString().slice(0, 10);
  return query;
}
