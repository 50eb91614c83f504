import { assigneesAt } from './by-assignee.js';
import { forecastAt } from './forecast/report.js';
import type { MetricsSettings } from './settings.js';
import type { Forecast } from './types.js';
import { issueIdAt, STATES, STATUSES, type IssueTable } from './table.js';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** RFC 4180 quoting; cells starting with a formula character are prefixed so spreadsheets do not run them. */
function cell(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A missing end is NaN in the table. */
const iso = (ms: number | undefined) => (ms === undefined || Number.isNaN(ms) ? null : new Date(ms).toISOString());

const FORECAST_HEADER = ['forecast_status', 'forecast_p50', 'forecast_p85', 'forecast_chance_within_target', 'forecast_samples'];

function forecastCells(forecast: Forecast | null): (string | number | null)[] {
  if (!forecast) return FORECAST_HEADER.map(() => null);
  if (forecast.status === 'too-little-history') return [forecast.status, null, null, null, forecast.samples];
  return [forecast.status, forecast.p50, forecast.p85, forecast.chanceWithinTarget, forecast.samples];
}

/**
 * One row per selected engagement; per duration its state, start, end, seconds, active seconds and
 * status; then the assignees (space-separated logins) and the KPI forecast. Pure.
 */
export function renderCsv(table: IssueTable, selection: Uint32Array, settings: MetricsSettings): string {
  const names = settings.definitions.map((d) => d.name);
  const header = [
    'forge', 'project', 'iid', 'title', 'kind', 'segment', 'state', 'stage', 'created', 'created_month', 'open_seconds', 'stale',
    ...names.flatMap((n) => [`${n}_state`, `${n}_start`, `${n}_end`, `${n}_seconds`, `${n}_active_seconds`, `${n}_status`]),
    'assignees', ...FORECAST_HEADER,
  ];
  const rows = Array.from(selection, (i) => {
    const id = issueIdAt(table, i);
    return [
      id.forge, id.project, id.iid, table.title[i]!, table.keys.kind[table.kind[i]!]!, table.keys.segment[table.segment[i]!]!,
      table.closed[i] ? 'closed' : 'open', table.keys.stage[table.stage[i]!]!, iso(table.createdMs[i]), iso(table.createdMs[i])!.slice(0, 7),
      table.openMs[i]! / 1000, table.stale[i] === 1,
      ...table.durations.flatMap((c) =>
        c.state[i]
          ? [STATES[c.state[i]!]!, iso(c.startMs[i]), iso(c.endMs[i]), c.ms[i]! / 1000, c.activeMs[i]! / 1000, STATUSES[c.status[i]!]!]
          : [null, null, null, null, null, null],
      ),
      assigneesAt(table, i).join(' '),
      ...forecastCells(forecastAt(table.forecast, i, settings, null)),
    ];
  });
  return `${[header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
}
