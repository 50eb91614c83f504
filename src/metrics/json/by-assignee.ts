import type { MetricsSettings } from '../durations/settings.js';
import { stats } from '../durations/stats.js';
import { FINISHED, OPEN, STATUSES, type IssueTable } from '../table/table.js';
import type { AssigneeReport } from '../contract.js';

const [AT_RISK, BREACHED] = [STATUSES.indexOf('at-risk'), STATUSES.indexOf('breached')];

/**
 * Per assignee of the selected issues: their engagements whose KPI duration is running, how many
 * of those are at risk or breached, and the KPI durations of their finished work. An issue with two assignees
 * counts for both. Most open first, then by login.
 */
export function byAssignee(table: IssueTable, selection: Uint32Array, settings: MetricsSettings): AssigneeReport[] {
  const kpi = table.durations[settings.definitions.findIndex((d) => d.name === settings.kpi)];
  const rows = table.keys.assignee.map((assignee) => ({
    assignee,
    open: 0,
    atRisk: 0,
    breached: 0,
    finished: [] as number[],
  }));
  for (const i of selection) {
    for (let at = table.assigneeStart[i]!; at < table.assigneeStart[i + 1]!; at++) {
      const row = rows[table.assignee[at]!]!;
      if (kpi?.state[i] === OPEN) {
        row.open++;
        if (kpi.status[i] === AT_RISK) row.atRisk++;
        else if (kpi.status[i] === BREACHED) row.breached++;
      } else if (kpi?.state[i] === FINISHED) row.finished.push(kpi.ms[i]!);
    }
  }
  return rows
    .filter((row) => row.open > 0 || row.finished.length > 0)
    .sort((a, b) => b.open - a.open || a.assignee.localeCompare(b.assignee))
    .map(({ finished, ...row }) => ({ ...row, finished: finished.length, finishedMedian: stats(finished).median }));
}
