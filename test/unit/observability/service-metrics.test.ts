import { describe, expect, it } from 'vitest';
import { ForgeError } from '../../../src/forges/errors.js';
import { RequestPolicy } from '../../../src/forges/request-policy.js';
import type { MetricEvent } from '../../../src/observability/events.js';
import { forgeCallObserver, requestStatus } from '../../../src/forges/request-metrics.js';
import { ForwardingSink } from '../../../src/observability/forwarding.js';
import { ServiceMetrics } from '../../../src/observability/service-metrics.js';
import type { SweepReport } from '../../../src/sweep/report.js';

const counts = { queued: 3, processing: 1, done: 40, dead: 2 };

async function exposition(metrics: ServiceMetrics): Promise<string> {
  return (await metrics.exposition()).body;
}

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('ServiceMetrics', () => {
  it("shows each hook's health as a gauge per forge and hook, and counts what catch-up recovered per path", async () => {
    const metrics = new ServiceMetrics({ inboxCounts: async () => counts });
    metrics.record({ type: 'hookHealth', forge: 'gitlab', hook: 'project 42 hook 7', status: 'disabled' });
    metrics.record({ type: 'hookHealth', forge: 'github', hook: 'repository acme/services hook 5', status: 'failing' });
    metrics.record({ type: 'hookHealth', forge: 'gitlab', hook: 'project 42 hook 7', status: 'ok' });
    metrics.record({ type: 'caughtUp', forge: 'github', path: 'log', count: 3 });
    metrics.record({ type: 'caughtUp', forge: 'github', path: 'log', count: 2 });
    metrics.record({ type: 'caughtUp', forge: 'gitlab', path: 'reconcile', count: 4 });
    const text = await exposition(metrics);

    expect(value(text, 'boardkeeper_webhook_hook_status{forge="gitlab",hook="project 42 hook 7"}')).toBe(0);
    expect(value(text, 'boardkeeper_webhook_hook_status{forge="github",hook="repository acme/services hook 5"}')).toBe(
      1,
    );
    expect(value(text, 'boardkeeper_catchup_recovered_total{forge="github",path="log"}')).toBe(5);
    expect(value(text, 'boardkeeper_catchup_recovered_total{forge="gitlab",path="reconcile"}')).toBe(4);
  });

  it('counts intake outcomes and attempts, with latency histograms', async () => {
    const metrics = new ServiceMetrics({ inboxCounts: async () => counts });
    metrics.record({ type: 'delivery', forge: 'gitlab', outcome: 'stored' });
    metrics.record({ type: 'delivery', forge: 'gitlab', outcome: 'stored' });
    metrics.record({ type: 'delivery', forge: 'github', outcome: 'store_unavailable' });
    metrics.record({
      type: 'attempt',
      forge: 'gitlab',
      result: 'retry',
      processingSeconds: 0.2,
      intakeToDoneSeconds: null,
    });
    metrics.record({
      type: 'attempt',
      forge: 'gitlab',
      result: 'done',
      processingSeconds: 0.03,
      intakeToDoneSeconds: 12,
    });
    metrics.record({
      type: 'attempt',
      forge: 'github',
      result: 'dead',
      processingSeconds: 1.5,
      intakeToDoneSeconds: null,
    });
    const text = await exposition(metrics);

    expect(value(text, 'boardkeeper_deliveries_total{forge="gitlab",outcome="stored"}')).toBe(2);
    expect(value(text, 'boardkeeper_deliveries_total{forge="github",outcome="store_unavailable"}')).toBe(1);
    expect(value(text, 'boardkeeper_delivery_retries_total{forge="gitlab"}')).toBe(1);
    expect(value(text, 'boardkeeper_dead_letters_total{forge="github"}')).toBe(1);
    expect(value(text, 'boardkeeper_delivery_attempts_total{forge="gitlab",result="done"}')).toBe(1);
    expect(value(text, 'boardkeeper_delivery_processing_seconds_bucket{le="0.05",forge="gitlab",result="done"}')).toBe(
      1,
    );
    expect(value(text, 'boardkeeper_delivery_processing_seconds_bucket{le="0.1",forge="gitlab",result="retry"}')).toBe(
      0,
    );
    // Only a completed attempt has an intake-to-done time.
    expect(value(text, 'boardkeeper_delivery_intake_to_done_seconds_count{forge="gitlab"}')).toBe(1);
    expect(value(text, 'boardkeeper_delivery_intake_to_done_seconds_sum{forge="gitlab"}')).toBe(12);
    expect(value(text, 'boardkeeper_delivery_intake_to_done_seconds_count{forge="github"}')).toBeUndefined();
  });

  it('reads the queue depth from the store at every scrape', async () => {
    let current = counts;
    const metrics = new ServiceMetrics({ inboxCounts: async () => current });
    expect(value(await exposition(metrics), 'boardkeeper_inbox_deliveries{status="dead"}')).toBe(2);
    current = { ...counts, dead: 0, queued: 9 };
    const text = await exposition(metrics);
    expect(value(text, 'boardkeeper_inbox_deliveries{status="dead"}')).toBe(0);
    expect(value(text, 'boardkeeper_inbox_deliveries{status="queued"}')).toBe(9);
  });

  it('still answers, without the queue depth, when the store cannot be read', async () => {
    const errors: unknown[] = [];
    const metrics = new ServiceMetrics({ inboxCounts: async () => Promise.reject(new Error('database away')) }, (e) =>
      errors.push(e),
    );
    metrics.record({ type: 'forgeCall', forge: 'github', status: '502' });
    const text = await exposition(metrics);
    expect(value(text, 'boardkeeper_forge_requests_total{forge="github",status="502"}')).toBe(1);
    expect(text).not.toMatch(/^boardkeeper_inbox_deliveries\{/m);
    expect(errors).toHaveLength(1);
  });

  it("includes Node's process metrics", async () => {
    const text = await exposition(new ServiceMetrics({ inboxCounts: async () => counts }));
    expect(text).toMatch(/^# TYPE process_cpu_seconds_total counter$/m);
    expect(text).toMatch(/^# TYPE nodejs_eventloop_lag_p99_seconds gauge$/m);
  });

  it('keeps the counts of two services in one process apart', async () => {
    const a = new ServiceMetrics({ inboxCounts: async () => counts });
    const b = new ServiceMetrics({ inboxCounts: async () => counts });
    a.record({ type: 'forgeRetry', forge: 'gitlab' });
    expect(value(await exposition(a), 'boardkeeper_forge_request_retries_total{forge="gitlab"}')).toBe(1);
    expect(value(await exposition(b), 'boardkeeper_forge_request_retries_total{forge="gitlab"}')).toBeUndefined();
  });

  it('records a sweep report: one run, each action by policy, action and result', async () => {
    const report: SweepReport = {
      startedAt: '2026-11-28T00:00:00.000Z',
      durationMs: 2_500,
      rows: [
        { issue: 'gitlab:42#1', policy: 'stale', action: 'comment', result: 'applied' },
        { issue: 'gitlab:42#2', policy: 'stale', action: 'comment', result: 'applied' },
        { issue: 'github:acme/services#3', policy: 'suggest-lost', action: 'label', result: 'planned' },
        { issue: 'gitlab:42#4', policy: 'stale', action: 'comment', result: 'failed' },
      ],
    };
    const metrics = new ServiceMetrics({ inboxCounts: async () => counts });
    metrics.recordSweep(report);
    metrics.recordSweep({ ...report, rows: [] });
    const text = await exposition(metrics);
    expect(value(text, 'boardkeeper_sweep_runs_total')).toBe(2);
    expect(value(text, 'boardkeeper_sweep_actions_total{policy="stale",action="comment",result="applied"}')).toBe(2);
    expect(value(text, 'boardkeeper_sweep_actions_total{policy="stale",action="comment",result="failed"}')).toBe(1);
    expect(value(text, 'boardkeeper_sweep_actions_total{policy="suggest-lost",action="label",result="planned"}')).toBe(
      1,
    );
    expect(value(text, 'boardkeeper_sweep_duration_seconds_sum')).toBe(5);
  });
});

describe('ForwardingSink', () => {
  const event: MetricEvent = { type: 'forgeRetry', forge: 'gitlab' };

  it('hands events over in batches, and what is left on close', () => {
    const batches: MetricEvent[][] = [];
    const sink = new ForwardingSink((events) => batches.push(events), 60_000);
    sink.record(event);
    sink.record(event);
    expect(batches).toEqual([]);
    sink.flush();
    sink.flush();
    sink.record(event);
    sink.close();
    expect(batches.map((b) => b.length)).toEqual([2, 1]);
  });

  it('flushes early under a burst instead of buffering without bound', () => {
    const batches: MetricEvent[][] = [];
    const sink = new ForwardingSink((events) => batches.push(events), 60_000);
    for (let i = 0; i < 12_000; i++) sink.record(event);
    sink.close();
    expect(batches.map((b) => b.length)).toEqual([5_000, 5_000, 2_000]);
  });
});

describe('forge request counting', () => {
  it.each([
    ['a response', { value: { status: 201 } }, '201'],
    ['a response without a status', { value: 'text' }, 'ok'],
    ['an HTTP failure', { error: new ForgeError('transient', 'bad gateway', 502) }, '502'],
    [
      'a timeout',
      { error: new ForgeError('transient', 'TimeoutError: The operation was aborted due to timeout', null) },
      'timeout',
    ],
    ['a network failure', { error: new ForgeError('transient', 'fetch failed', null) }, 'network'],
  ])('labels %s', (_name, outcome, status) => {
    expect(requestStatus(outcome)).toBe(status);
  });

  it('the request policy reports every request sent and every in-call retry', async () => {
    const events: MetricEvent[] = [];
    const policy = new RequestPolicy({
      concurrency: 1,
      sleep: async () => {},
      observer: forgeCallObserver({ record: (e) => events.push(e) }, 'gitlab'),
    });
    let calls = 0;
    const result = await policy.send(async () => {
      calls += 1;
      if (calls === 1) throw new ForgeError('transient', 'unavailable', 503);
      return { status: 200 };
    });
    expect(result).toEqual({ status: 200 });
    expect(events).toEqual([
      { type: 'forgeCall', forge: 'gitlab', status: '503' },
      { type: 'forgeRetry', forge: 'gitlab' },
      { type: 'forgeCall', forge: 'gitlab', status: '200' },
    ]);
  });
});
