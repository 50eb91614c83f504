import type { AuditEntry, ForgeName } from '../domain/types.js';
import type { Alert } from '../alerts/alert.js';
import type { MetricsReport } from '../metrics/contract.js';
import { DIGEST_DELIVERY_PREFIX, type DigestRun } from '../reports/run.js';
import { SWEEP_SOURCE } from '../sweep/run.js';
import type { DemoOutage, DemoSweep } from './run.js';
import type { Engagement } from './scenario.js';
import type { SimIssue } from './simulator/index.js';

export interface BoardRow {
  issue: string;
  kind: string;
  stage: string;
  labels: string;
}

/** Where each engagement stands: the service's view of kind and stage, the forge's labels. */
export function boardRows(
  engagements: Engagement[],
  issues: Map<string, SimIssue>,
  stateOf: (issue: SimIssue) => { kind: string | null; stage: string | null } | null,
): BoardRow[] {
  const ordered = engagements
    .flatMap((engagement) => issues.get(engagement.key) ?? [])
    .sort((a, b) => a.forge.localeCompare(b.forge) || a.iid - b.iid);
  return ordered.flatMap((issue) => {
    const state = stateOf(issue);
    const where =
      issue.forge === 'gitlab' ? `gitlab ${issue.project}#${issue.iid}` : `github ${issue.project}#${issue.iid}`;
    return [
      {
        issue: `${where} ${issue.state === 'closed' ? '(closed)' : ''}`.trim(),
        kind: state?.kind ?? '-',
        stage: state?.stage ?? '-',
        labels: [...issue.labels].sort().join(' '),
      },
    ];
  });
}

/** A plain fixed-width table (console.table quotes strings and adds an index column). */
export function formatTable(rows: Record<string, string>[]): string {
  if (rows.length === 0) return '(none)';
  const columns = Object.keys(rows[0]!);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    line(columns),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(columns.map((c) => r[c] ?? ''))),
  ].join('\n');
}

const days = (seconds: number | null | undefined) => (seconds == null ? '-' : `${(seconds / 86_400).toFixed(1)} d`);

/** The KPI lines of the /metrics JSON report: median / p90 of finished implementations, share within target, open at risk. */
export function kpiSummary(report: MetricsReport): string[] {
  const kpi = report.durations.find((d) => d.name === report.kpi.name);
  if (!kpi) return [`no "${report.kpi.name}" duration is configured`];
  const within = kpi.withinTarget === null ? '-' : `${Math.round(kpi.withinTarget * 100)}%`;
  return [
    `${kpi.name} duration (target ${report.kpi.targetDays ?? '-'} days):`,
    `  finished: ${kpi.finished.count}, median ${days(kpi.finished.median)}, p90 ${days(kpi.finished.p90)}, within target ${within}`,
    `  open: ${kpi.open.count} (on track ${kpi.open.byStatus['on-track']}, at risk ${kpi.open.byStatus['at-risk']}, breached ${kpi.open.byStatus.breached})`,
    `issues: ${report.issues.total} (${report.issues.open} open, ${report.issues.closed} closed)`,
  ];
}

export interface CallsPerDelivery {
  /** Every API call the audit log records for the forge. */
  calls: number;
  /** Deliveries with at least one action applied on the forge. */
  deliveries: number;
}

/**
 * From the audit log: each forge's API calls against the webhook deliveries that changed anything
 * there. The sweep's actions are audited under one pseudo delivery id, the digest's under one per
 * period: neither is a webhook delivery.
 */
export function callsPerDelivery(audit: readonly AuditEntry[]): Record<ForgeName, CallsPerDelivery> {
  const totals: Record<ForgeName, CallsPerDelivery> = {
    gitlab: { calls: 0, deliveries: 0 },
    github: { calls: 0, deliveries: 0 },
  };
  const changed = new Set<string>();
  for (const entry of audit) {
    if (entry.deliveryId === SWEEP_SOURCE || entry.deliveryId?.startsWith(DIGEST_DELIVERY_PREFIX)) continue;
    totals[entry.forge].calls += entry.apiCalls;
    if (entry.result === 'applied' && entry.deliveryId !== null) changed.add(`${entry.forge}\n${entry.deliveryId}`);
  }
  for (const key of changed) totals[key.slice(0, key.indexOf('\n')) as ForgeName].deliveries += 1;
  return totals;
}

export function callsPerDeliveryLine(totals: Record<ForgeName, CallsPerDelivery>): string {
  const one = (title: string, { calls, deliveries }: CallsPerDelivery) =>
    `${title} ${deliveries === 0 ? '-' : (calls / deliveries).toFixed(2)} (${calls} calls / ${deliveries} deliveries)`;
  return `API calls per delivery that changed anything: ${one('GitLab', totals.gitlab)}, ${one('GitHub', totals.github)}`;
}

/** What the sweeps did on the simulated clock: one row per label change, comment and alert, by day. */
export function sweepRows(sweeps: DemoSweep[]): Record<string, string>[] {
  return sweeps.flatMap(({ day, report }) =>
    report.rows.filter((row) => row.result !== 'skipped').map((row) => ({ day: String(day), ...row })),
  );
}

/** `3 labels, 2 comments applied; alerts sent: 2 (at-risk 1, breached 1)`. */
export function sweepTally(sweeps: DemoSweep[], alerts: Alert[]): string {
  const applied = sweeps.flatMap(({ report }) => report.rows.filter((row) => row.result === 'applied'));
  const count = (prefix: string) => applied.filter((row) => row.action.startsWith(prefix)).length;
  const byKind = new Map<string, number>();
  for (const alert of alerts) byKind.set(alert.kind, (byKind.get(alert.kind) ?? 0) + 1);
  const kinds = [...byKind].map(([kind, n]) => `${kind} ${n}`).join(', ');
  return `label changes applied: ${count('labels')}, comments applied: ${count('comment')}; alerts sent: ${alerts.length}${kinds ? ` (${kinds})` : ''}`;
}

/** Where the demo's weekly digest went: the simulated forge's issue, and its API address while the demo runs. */
export function digestLines(digest: DigestRun | null, githubApiUrl: string, repo: string): string[] {
  if (!digest) return ['weekly digest: none (the schedule has not fired yet)'];
  const forge = digest.deliveries.find((row) => row.destination === 'forge');
  const number = digest.issueUrl ? /\/issues\/(\d+)$/.exec(digest.issueUrl)?.[1] : undefined;
  return [
    `weekly digest ${digest.period.key}: "${digest.title}" ${forge?.result ?? 'not filed'} on the simulated GitHub as ${number ? `${repo}#${number}` : '-'}`,
    ...(number
      ? [
          `  read it: ${githubApiUrl}/repos/${repo}/issues/${number} (the body is the Markdown); boardkeeper report --print renders one on demand`,
        ]
      : []),
  ];
}

/** What the restart after the demo's outage found and did. */
export function outageLines(outage: DemoOutage | null): string[] {
  if (!outage) return [];
  const { report } = outage;
  const head = `outage: the service was down on days ${outage.fromDay}–${outage.toDay - 1}; ${outage.failed} webhooks failed and were not retried by the forges`;
  if (!report) return [head];
  const perForge = report.hooks.map((hook) => `${hook.forge} ${hook.redelivered} of ${hook.missed} missed`).join(', ');
  return [
    head,
    `catch-up at the restart: redelivered from the hooks' delivery logs: ${perForge}; ${report.apiCalls} API calls`,
  ];
}
