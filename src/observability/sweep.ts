import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * What the service metrics count of one sweep. The sweep's own report (sweep/report.ts) has this
 * shape, so observability, which the forges and the engine use, never imports the sweep.
 */
export interface SweepOutcome {
  durationMs: number;
  rows: readonly { policy: string; action: string; result: string }[];
}

export interface SweepMetrics {
  runs: Counter<never>;
  actions: Counter<'policy' | 'action' | 'result'>;
  duration: Histogram<never>;
}

export function sweepMetrics(registry: Registry): SweepMetrics {
  return {
    runs: new Counter({
      name: 'boardkeeper_sweep_runs_total',
      help: 'Runs of the time-driven sweep',
      registers: [registry],
    }),
    actions: new Counter({
      name: 'boardkeeper_sweep_actions_total',
      help: 'Actions of the time-driven sweep, by policy, action and result (planned: dry-run)',
      labelNames: ['policy', 'action', 'result'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'boardkeeper_sweep_duration_seconds',
      help: 'How long one run of the sweep took',
      buckets: [0.1, 0.5, 1, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
  };
}

export function recordSweepInto(metrics: SweepMetrics, report: SweepOutcome): void {
  metrics.runs.inc();
  metrics.duration.observe(report.durationMs / 1000);
  for (const row of report.rows) metrics.actions.inc({ policy: row.policy, action: row.action, result: row.result });
}
