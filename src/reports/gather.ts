import type { Config } from '../config/schema.js';
import { issueKey, type IssueState } from '../domain/types.js';
import { issueWebUrl } from '../forges/web-links.js';
import type { MetricsAnswer, MetricsQuery } from '../metrics/runtime/answer.js';
import type { MetricsFilter } from '../metrics/table/filter.js';
import type { MetricsReport } from '../metrics/contract.js';
import type { Store } from '../store/store.js';
import { inPeriod, type DigestInput, type Outcome, type SlaCrossing } from './digest.js';
import { previousWeek, type Period } from './period.js';

/** `MetricsReports.answer`: the one function behind /metrics, /dashboard and the digest. */
export type MetricsSource = (query: MetricsQuery) => Promise<MetricsAnswer>;

/** Engagements listed per report: /metrics' own maximum, so both periods' go-lives are all there. */
const LIST_LIMIT = 100_000;
/** Newest audit entries searched for the sweep's threshold labels: far more than a week's. */
const AUDIT_WINDOW = 50_000;
const INITIATIVE_KIND = 'strategic-initiative';
const SOW_CYCLE_DURATION = 'sow_cycle_time';
const SWEEP_DELIVERY = 'sweep';
/** The sweep's threshold labels (`sla::at-risk`, `sla::breached`, and any a configured policy adds under it). */
const SLA_PREFIX = 'sla::';

/** The /metrics JSON for a filter, exactly as `GET /metrics?<echo>&limit=100000` answers it. */
async function metricsReport(
  source: MetricsSource,
  filter: MetricsFilter,
  echo: Record<string, string>,
): Promise<MetricsReport> {
  const answer = await source({ format: 'json', filter, echo, limit: LIST_LIMIT });
  if (!('body' in answer)) throw new Error('metrics: expected a JSON body');
  return JSON.parse(answer.body) as MetricsReport;
}

function addedLabels(detail: unknown): string[] {
  const add = (detail as { add?: unknown } | null)?.add;
  return Array.isArray(add) ? add.filter((label): label is string => typeof label === 'string') : [];
}

/** The sweep's `sla::*` labels applied in the period, from the audit (the labels are no transitions). */
async function crossings(store: Store, period: Period, title: (key: string) => string | null): Promise<SlaCrossing[]> {
  const entries = await store.audit({ limit: AUDIT_WINDOW });
  return entries
    .filter(
      (entry) =>
        entry.deliveryId === SWEEP_DELIVERY &&
        entry.action === 'labels' &&
        entry.result === 'applied' &&
        inPeriod(entry.at, period),
    )
    .flatMap((entry) =>
      addedLabels(entry.detail)
        .filter((label) => label.startsWith(SLA_PREFIX))
        .map((label) => ({
          forge: entry.forge,
          project: entry.project,
          iid: entry.iid,
          label,
          at: entry.at,
          title: title(issueKey(entry)),
        })),
    )
    .sort((a, b) => a.at.localeCompare(b.at) || issueKey(a).localeCompare(issueKey(b)));
}

async function outcomes(
  store: Store,
  config: Config,
  period: Period,
  title: (key: string) => string | null,
): Promise<Outcome[]> {
  const prefix = `+${config.labels.outcomePrefix}`;
  const transitions = await store.transitions({
    from: new Date(period.startMs).toISOString(),
    to: new Date(period.endMs).toISOString(),
  });
  return transitions
    .filter((t) => inPeriod(t.at, period) && (t.to === `${prefix}won` || t.to === `${prefix}lost`))
    .map((t) => ({
      forge: t.forge,
      project: t.project,
      iid: t.iid,
      outcome: t.to === `${prefix}won` ? ('won' as const) : ('lost' as const),
      at: t.at,
      title: title(issueKey(t)),
    }))
    .sort((a, b) => a.at.localeCompare(b.at));
}

/** Reads what the digest of `period` shows: /metrics answers and the store's events of the period. */
export async function gatherDigest(options: {
  config: Config;
  store: Store;
  metrics: MetricsSource;
  period: Period;
}): Promise<DigestInput> {
  const { config, store, metrics, period } = options;
  const [all, open, initiatives, states] = await Promise.all([
    metricsReport(metrics, {}, {}),
    metricsReport(metrics, { state: 'open' }, { state: 'open' }),
    metricsReport(metrics, { kind: INITIATIVE_KIND }, { kind: INITIATIVE_KIND }),
    store.issueStates({}),
  ]);
  const byKey = new Map<string, IssueState>(states.map((state) => [issueKey(state.ref), state]));
  const title = (key: string) => byKey.get(key)?.title ?? null;
  return {
    period,
    previous: previousWeek(period),
    all,
    open,
    initiatives,
    crossings: await crossings(store, period, title),
    outcomes: await outcomes(store, config, period, title),
    salesStages: config.durations.salesStages,
    sowCycleDuration: SOW_CYCLE_DURATION,
    issueUrl: (id) => issueWebUrl(id, byKey.get(issueKey(id)) ?? null, config),
    dashboardUrl: config.alerts.publicUrl ?? null,
  };
}
