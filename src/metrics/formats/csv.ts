import { forecastAt } from '../forecast/report.js';
import type { MetricsSettings } from '../durations/settings.js';
import type { Forecast } from '../contract.js';
import { csvHeaders, pushCsvCells, SURFACES, type Cell } from '../table/columns.js';
import { issueIdAt, STATES, STATUSES, type IssueTable } from '../table/table.js';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** RFC 4180 quoting; cells starting with a formula character are prefixed so spreadsheets do not run them. */
function cell(value: Cell): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A missing end is NaN in the table. */
const iso = (ms: number | undefined) => (ms === undefined || Number.isNaN(ms) ? null : new Date(ms).toISOString());

const FORECAST_HEADER = [
  'forecast_status',
  'forecast_p50',
  'forecast_p85',
  'forecast_chance_within_target',
  'forecast_samples',
];

function forecastCells(forecast: Forecast | null): (string | number | null)[] {
  if (!forecast) return FORECAST_HEADER.map(() => null);
  if (forecast.status === 'too-little-history') return [forecast.status, null, null, null, forecast.samples];
  return [forecast.status, forecast.p50, forecast.p85, forecast.chanceWithinTarget, forecast.samples];
}

/**
 * One row per selected engagement: its id and columns (SURFACES.csv); per duration its state,
 * start, end, seconds, active seconds and status; then SURFACES.csvAfterDurations, the KPI
 * forecast and SURFACES.csvAfterForecast. Pure.
 */
export function renderCsv(table: IssueTable, selection: Uint32Array, settings: MetricsSettings): string {
  const names = settings.definitions.map((d) => d.name);
  const header = [
    'forge',
    'project',
    'iid',
    ...csvHeaders(SURFACES.csv),
    ...names.flatMap((n) => [
      `${n}_state`,
      `${n}_start`,
      `${n}_end`,
      `${n}_seconds`,
      `${n}_active_seconds`,
      `${n}_status`,
    ]),
    ...csvHeaders(SURFACES.csvAfterDurations),
    ...FORECAST_HEADER,
    ...csvHeaders(SURFACES.csvAfterForecast),
  ];
  const rows = Array.from(selection, (i) => {
    const id = issueIdAt(table, i);
    const cells: Cell[] = [id.forge, id.project, id.iid];
    pushCsvCells(cells, SURFACES.csv, table, i);
    for (const c of table.durations) {
      if (c.state[i])
        cells.push(
          STATES[c.state[i]!]!,
          iso(c.startMs[i]),
          iso(c.endMs[i]),
          c.ms[i]! / 1000,
          c.activeMs[i]! / 1000,
          STATUSES[c.status[i]!]!,
        );
      else cells.push(null, null, null, null, null, null);
    }
    pushCsvCells(cells, SURFACES.csvAfterDurations, table, i);
    cells.push(...forecastCells(forecastAt(table.forecast, i, settings, null)));
    pushCsvCells(cells, SURFACES.csvAfterForecast, table, i);
    return cells;
  });
  return `${[header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
}
