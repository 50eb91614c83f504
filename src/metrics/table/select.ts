import type { MetricsFilter } from './filter.js';
import type { IssueTable } from './table.js';

/** Whether issue i's list (labels or assignees: `start` offsets into `ids`) holds `id`. */
function holds(start: Uint32Array, ids: Uint32Array, i: number, id: number): boolean {
  for (let at = start[i]!; at < start[i + 1]!; at++) if (ids[at] === id) return true;
  return false;
}

/** Rows of the table the filter selects. A kind, segment, stage, label or assignee no issue has selects none. */
export function selectIssues(table: IssueTable, filter: MetricsFilter): Uint32Array {
  const idOf = (keys: readonly (string | null)[], value: string | undefined) =>
    value === undefined ? undefined : keys.indexOf(value);
  const [kind, segment, stage, label, assignee] = [
    idOf(table.keys.kind, filter.kind),
    idOf(table.keys.segment, filter.segment),
    idOf(table.keys.stage, filter.stage),
    idOf(table.keys.label, filter.label),
    idOf(table.keys.assignee, filter.assignee),
  ];
  const closed = filter.state === undefined ? undefined : filter.state === 'closed' ? 1 : 0;
  const selected: number[] = [];
  for (let i = 0; i < table.size; i++) {
    if (kind !== undefined && table.kind[i] !== kind) continue;
    if (segment !== undefined && table.segment[i] !== segment) continue;
    if (stage !== undefined && table.stage[i] !== stage) continue;
    if (closed !== undefined && table.closed[i] !== closed) continue;
    if (filter.fromMs !== undefined && table.createdMs[i]! < filter.fromMs) continue;
    if (filter.toMs !== undefined && table.createdMs[i]! >= filter.toMs) continue;
    if (label !== undefined && !holds(table.labelStart, table.label, i, label)) continue;
    if (assignee !== undefined && !holds(table.assigneeStart, table.assignee, i, assignee)) continue;
    selected.push(i);
  }
  return Uint32Array.from(selected);
}
