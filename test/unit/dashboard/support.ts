import { configSchema, type ConfigInput } from '../../../src/config/schema.js';
import type { IssueState, Transition } from '../../../src/domain/types.js';
import { filterChoices } from '../../../src/metrics/table/choices.js';
import { metricsQueryFor, type DashboardSelection } from '../../../src/dashboard/query.js';
import { dashboardView, type DashboardView, type ViewContext } from '../../../src/dashboard/view.js';
import { buildReport } from '../../../src/metrics/json/metrics.js';
import { computeIssues } from '../../../src/metrics/durations/issue-metrics.js';
import { selectIssues } from '../../../src/metrics/table/select.js';
import { issueFacts } from '../../../src/metrics/durations/issue-facts.js';
import { parseMetricsQuery } from '../../../src/metrics/table/filter.js';
import { metricsSettings } from '../../../src/metrics/durations/settings.js';
import { buildTable } from '../../../src/metrics/table/table.js';
import type { MetricsReport } from '../../../src/metrics/contract.js';
import { BOARD_NOW } from '../../support/board-history.js';

export const ALL: DashboardSelection = { kind: null, segment: null, period: 'all' };

/** The dashboard's view of a store holding `transitions` and `states`, built the way the plugin builds it (the `limit` of /metrics as given). */
export function viewOf(
  history: { transitions: Transition[]; states: IssueState[] },
  options: { selection?: DashboardSelection; token?: string; config?: ConfigInput } = {},
): { view: DashboardView; report: MetricsReport; context: ViewContext } {
  const selection = options.selection ?? ALL;
  const settings = metricsSettings(configSchema.parse(options.config ?? {}));
  const table = buildTable(
    computeIssues(issueFacts(history.transitions, history.states), settings, BOARD_NOW),
    settings,
    BOARD_NOW,
  );
  const metricsQuery = metricsQueryFor(selection, BOARD_NOW);
  const { filter, echo } = parseMetricsQuery(metricsQuery, []);
  const report = buildReport(table, selectIssues(table, filter), settings, BOARD_NOW, echo);
  const context: ViewContext = {
    selection,
    metricsQuery,
    token: options.token,
    choices: filterChoices(table),
    storeHasTransitions: table.size > 0,
    kpiDefinition: settings.definitions.find((definition) => definition.name === settings.kpi),
  };
  return { view: dashboardView(report, context), report, context };
}

/** An implementation that entered deployment and went live `days` later, `endedDaysAgo` before BOARD_NOW. */
export function finishedImplementation(iid: number, days: number, endedDaysAgo: number, segment = 'mm'): Transition[] {
  const at = (daysAgo: number) => new Date(BOARD_NOW - daysAgo * 86_400_000).toISOString();
  const base = {
    forge: 'github' as const,
    project: 'acme/web',
    iid,
    actor: 'bob',
    source: 'webhook',
    kind: 'implementation',
    segment,
  };
  return [
    { ...base, from: null, to: 'deployment', at: at(endedDaysAgo + days) },
    { ...base, from: 'deployment', to: 'production-live', at: at(endedDaysAgo) },
  ];
}
