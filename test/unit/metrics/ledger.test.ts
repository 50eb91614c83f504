import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { buildReport } from '../../../src/metrics/json/metrics.js';
import { computeIssues } from '../../../src/metrics/durations/issue-metrics.js';
import { buildTable } from '../../../src/metrics/table/table.js';
import { issueFacts } from '../../../src/metrics/durations/issue-facts.js';
import { issueMetrics } from '../../../src/metrics/durations/issue-metrics.js';
import { metricsSettings } from '../../../src/metrics/durations/settings.js';
import { A, B, B_AS_DELIVERED, C, D, D_STATE, LATER, NOW, state } from './ledger.js';

const settings = metricsSettings(configSchema.parse({}));

function metricsOf(transitions: typeof A, nowMs: number, states = [] as (typeof D_STATE)[]) {
  const [facts] = issueFacts(transitions, states);
  return issueMetrics(facts!, settings, nowMs);
}

function reportOf(facts: ReturnType<typeof issueFacts>, nowMs: number) {
  const issues = computeIssues(facts, settings, nowMs);
  return buildReport(buildTable(issues, settings, nowMs), Uint32Array.from(issues.keys()), settings, nowMs, {});
}

const seconds = (issue: ReturnType<typeof metricsOf>, name: string) => {
  const d = issue.durations.get(name)!;
  return { state: d.state, seconds: d.ms / 1000, active: d.activeMs / 1000, status: d.status };
};

describe('hand-computed ledger', () => {
  it('A: on-hold time counts in the duration, not in the active variant', () => {
    const a = metricsOf(A, LATER);
    expect(seconds(a, 'implementation')).toEqual({
      state: 'finished',
      seconds: 1_837_815,
      active: 1_405_815,
      status: 'met',
    });
    expect(seconds(a, 'time_to_value').seconds).toBe(2_262_615);
    expect(seconds(a, 'delivery_lead_time')).toMatchObject({ seconds: 162_000, status: 'met' });
    expect(seconds(a, 'sow_cycle_time').seconds).toBe(442_800);
    expect(Object.fromEntries(a.stageMs)).toEqual({
      intake: 442_800_000,
      'sow-signed': 162_000_000,
      kickoff: 262_800_000,
      deployment: 1_405_815_000,
      'on-hold': 432_000_000,
      'production-live': 408_585_000,
    });
    expect(a.openMs).toBe(3_114_000_000);
    expect(a.closed).toBe(true);
    expect(a.visits.get('deployment')).toBe(2);
  });

  it('B: out-of-order, duplicated deliveries give the same result as the clean history', () => {
    const clean = metricsOf(B, NOW);
    const delivered = metricsOf(B_AS_DELIVERED, NOW);
    expect(delivered).toEqual(clean);
    expect(seconds(delivered, 'implementation')).toEqual({
      state: 'open',
      seconds: 2_073_600,
      active: 1_857_600,
      status: 'at-risk',
    });
    expect(Object.fromEntries(delivered.stageMs)).toEqual({
      handoff: 86_400_000,
      deployment: 1_814_400_000,
      configuration: 172_800_000,
    });
    expect(delivered.openMs).toBe(2_073_600_000);
    expect(delivered.stage).toBe('deployment');
    expect(delivered.closed).toBe(false);
  });

  it('B: an open implementation past the target is breached, before the at-risk line on-track', () => {
    expect(seconds(metricsOf(B, Date.parse('2026-04-03T08:00:01Z')), 'implementation').status).toBe('breached');
    expect(seconds(metricsOf(B, Date.parse('2026-03-24T08:00:00Z')), 'implementation').status).toBe('on-track');
  });

  it('C: a lost SOW ends its cycle at outcome::lost; a skipped stage ends its SLA, one never reached is stopped', () => {
    const c = metricsOf(C, NOW + 60 * 86_400_000);
    expect(seconds(c, 'sow_cycle_time')).toMatchObject({ state: 'finished', seconds: 1_641_600 });
    // intake → discovery skips triage: triage was reached on 04-03 10:00, 2 days after creation (target 1).
    expect(seconds(c, 'sla_triage')).toMatchObject({ state: 'finished', seconds: 172_800, status: 'breached' });
    // Closing is not progress: the estimate clock, started on leaving discovery to close, never ends.
    expect(seconds(c, 'sla_estimate')).toMatchObject({ state: 'stopped', seconds: 0 });
    expect(c.durations.has('implementation')).toBe(false);
  });

  it('D: implementation_start / implementation_end fields override the transitions', () => {
    const d = metricsOf(D, LATER, [D_STATE]);
    expect(seconds(d, 'implementation')).toEqual({
      state: 'finished',
      seconds: 3_888_000,
      active: 3_888_000,
      status: 'breached',
    });
  });

  it('D: a field date still in the future is a plan, not an end', () => {
    const d = metricsOf(D, Date.parse('2026-06-12T00:00:00Z'), [D_STATE]);
    // Ends at the recorded production-live (06-10) instead: 05-01 → 06-10 = 40 d.
    expect(seconds(d, 'implementation')).toMatchObject({ state: 'finished', seconds: 3_456_000 });
  });

  it('aggregates finished and open work separately', () => {
    const facts = issueFacts(
      [...B_AS_DELIVERED, ...A, ...C],
      [state('github', 'acme/web', 7, { title: 'Acme rollout' })],
    );
    const report = reportOf(facts, NOW);
    const implementation = report.durations.find((d) => d.name === 'implementation')!;
    expect(implementation.finished).toEqual({
      count: 1,
      mean: 1_837_815,
      median: 1_837_815,
      p75: 1_837_815,
      p90: 1_837_815,
      min: 1_837_815,
      max: 1_837_815,
    });
    expect(implementation.withinTarget).toBe(1);
    expect(implementation.finishedActive.median).toBe(1_405_815);
    expect(implementation.open).toEqual({
      count: 1,
      elapsed: {
        count: 1,
        mean: 2_073_600,
        median: 2_073_600,
        p75: 2_073_600,
        p90: 2_073_600,
        min: 2_073_600,
        max: 2_073_600,
      },
      byStatus: { 'on-track': 0, 'at-risk': 1, breached: 0 },
    });
    expect(report.kpi.open.map((row) => [row.iid, row.status, row.days, row.title])).toEqual([
      [7, 'at-risk', 24, 'Acme rollout'],
    ]);
    expect(report.issues).toMatchObject({ total: 3, open: 1, closed: 2 });
    expect(report.issues.byStage).toEqual([
      { stage: 'deployment', count: 1 },
      { stage: 'closed', count: 2 },
    ]);
    const sowCycle = report.durations.find((d) => d.name === 'sow_cycle_time')!;
    expect(sowCycle.bySegment.map((g) => [g.key, g.finished.count, g.open])).toEqual([
      ['enterprise', 1, 0],
      // B's history starts at handoff, past sow-signed: its SOW cycle ended before anything was known of it.
      ['mm', 1, 0],
      ['smb', 1, 0],
    ]);
  });

  it('aggregates two finished implementations: median, share within target, monthly trend', () => {
    const facts = issueFacts([...A, ...D], [D_STATE]);
    const report = reportOf(facts, LATER);
    const implementation = report.durations.find((d) => d.name === 'implementation')!;
    expect(implementation.finished.median).toBe((1_837_815 + 3_888_000) / 2);
    expect(implementation.finished.p90).toBe(1_837_815 + 0.9 * (3_888_000 - 1_837_815));
    expect(implementation.withinTarget).toBe(0.5);
    expect(report.kpi.trend).toEqual([
      { month: '2026-01', count: 1, median: 1_837_815, p90: 1_837_815 },
      { month: '2026-05', count: 1, median: 3_888_000, p90: 3_888_000 },
    ]);
    expect(report.kpi.finished.map((row) => [row.iid, row.days, row.status])).toEqual([
      [3, 45, 'breached'],
      [1, 21.27, 'met'],
    ]);
    const deployment = report.stages.find((s) => s.stage === 'deployment')!;
    // A: 1 405 815 s over two visits; D (transitions, not fields): 05-03 → 06-10 = 38 d.
    expect(deployment.finished).toMatchObject({ count: 2, min: 1_405_815, max: 3_283_200 });
    expect(deployment.visits).toBe(3);
  });
});
