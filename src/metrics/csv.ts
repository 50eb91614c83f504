import type { IssueMetrics } from './issue-metrics.js';
import type { MetricsSettings } from './settings.js';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** RFC 4180 quoting; cells starting with a formula character are prefixed so spreadsheets do not run them. */
function cell(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

/** One row per engagement; per duration its state, start, end, seconds, active seconds and status. Pure. */
export function renderCsv(issues: readonly IssueMetrics[], settings: MetricsSettings): string {
  const names = settings.definitions.map((d) => d.name);
  const header = [
    'forge', 'project', 'iid', 'title', 'kind', 'segment', 'state', 'stage', 'created', 'created_month', 'open_seconds', 'stale',
    ...names.flatMap((n) => [`${n}_state`, `${n}_start`, `${n}_end`, `${n}_seconds`, `${n}_active_seconds`, `${n}_status`]),
  ];
  const rows = issues.map((issue) => [
    issue.id.forge, issue.id.project, issue.id.iid, issue.title, issue.kind, issue.segment,
    issue.closed ? 'closed' : 'open', issue.stage, iso(issue.createdMs), iso(issue.createdMs)!.slice(0, 7), issue.openMs / 1000, issue.stale,
    ...names.flatMap((n) => {
      const d = issue.durations.get(n);
      return d
        ? [d.state, iso(d.startMs), iso(d.endMs), d.ms / 1000, d.activeMs / 1000, d.status]
        : [null, null, null, null, null, null];
    }),
  ]);
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
