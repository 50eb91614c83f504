import type { Forecast, IssueId } from '../contract.js';
import type { MetricsSettings } from '../durations/settings.js';
import { forecastAt, kpiTargetDays } from '../forecast/report.js';
import type { IssueTable } from './table.js';

/** The forecast of one issue in the table, as on the report's open rows; null when it has none (or the table does not hold it yet). */
export function forecastOfIssue(table: IssueTable, id: IssueId, settings: MetricsSettings): Forecast | null {
  const forge = table.keys.forge.indexOf(id.forge);
  const project = table.keys.project.indexOf(id.project);
  for (let i = 0; i < table.size; i++) {
    if (table.iid[i] !== id.iid || table.forge[i] !== forge || table.project[i] !== project) continue;
    return forecastAt(table.forecast, i, settings, kpiTargetDays(settings));
  }
  return null;
}
