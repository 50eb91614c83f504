import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { retryDelayMs } from '../../../src/domain/backoff.js';
import { retryAt, Worker, type DeliveryHandler } from '../../../src/engine/worker.js';
import { ForgeError } from '../../../src/forges/errors.js';
import { createLogger } from '../../../src/logger.js';
import type { MetricEvent } from '../../../src/observability/events.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import type { Delivery } from '../../../src/store/store.js';
import { eventually } from '../../support/service.js';

const settings = configSchema.parse({
  worker: { pollIntervalMs: 5, backoffBaseMs: 1, backoffMaxMs: 5, maxAttempts: 3, concurrency: 4 },
}).worker;
const log = createLogger({ level: 'silent' });

let dir: string;
let store: SqliteStore;
let worker: Worker | null = null;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bk-worker-'));
  store = new SqliteStore({ path: join(dir, 'db') });
  await store.migrate();
});
afterEach(async () => {
  await worker?.stop();
  worker = null;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const delivery = (id: string, key: string): Delivery => ({
  id,
  forge: 'gitlab',
  event: 'Issue Hook.update',
  orderingKey: key,
  headers: {},
  body: '{}',
  receivedAt: new Date().toISOString(),
});

function run(handler: DeliveryHandler) {
  worker = new Worker({ store, handler, settings, log });
  worker.start();
}

describe('Worker', () => {
  it('processes one issue strictly in order while issues run side by side', async () => {
    const seen: string[] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    const perKeyActive = new Map<string, number>();
    for (let i = 0; i < 10; i++) for (const key of ['a', 'b', 'c']) await store.enqueue(delivery(`${key}-${i}`, key));
    run(async (row) => {
      perKeyActive.set(row.orderingKey, (perKeyActive.get(row.orderingKey) ?? 0) + 1);
      expect(perKeyActive.get(row.orderingKey)).toBe(1);
      maxConcurrent = Math.max(maxConcurrent, ++concurrent);
      await new Promise((resolve) => setTimeout(resolve, 2));
      concurrent--;
      perKeyActive.set(row.orderingKey, 0);
      seen.push(row.id);
      return {};
    });
    await eventually(async () => (await store.inboxCounts()).done === 30, 'all 30 done');
    for (const key of ['a', 'b', 'c']) {
      expect(seen.filter((id) => id.startsWith(key))).toEqual(Array.from({ length: 10 }, (_, i) => `${key}-${i}`));
    }
    expect(maxConcurrent).toBeGreaterThan(1);
  });

  it('retries a failing delivery and holds back the issue behind it until it succeeds', async () => {
    const attempts = new Map<string, number>();
    const order: string[] = [];
    await store.enqueue(delivery('first', 'k'));
    await store.enqueue(delivery('second', 'k'));
    run(async (row) => {
      const n = (attempts.get(row.id) ?? 0) + 1;
      attempts.set(row.id, n);
      if (row.id === 'first' && n < 3) throw new ForgeError('transient', 'HTTP 502', 502);
      order.push(row.id);
      return {};
    });
    await eventually(async () => (await store.inboxCounts()).done === 2, 'both done');
    expect(order).toEqual(['first', 'second']);
    expect(attempts.get('first')).toBe(3);
  });

  it('dead-letters after maxAttempts with the error, and lets the issue move on', async () => {
    await store.enqueue(delivery('doomed', 'k'));
    await store.enqueue(delivery('next', 'k'));
    run(async (row) => {
      if (row.id === 'doomed') throw new Error('handler exploded');
      return {};
    });
    await eventually(async () => (await store.inboxCounts()).done === 1, 'next done');
    const [dead] = await store.listInbox('dead', 10);
    expect(dead).toMatchObject({ id: 'doomed', attempts: settings.maxAttempts, lastError: 'handler exploded' });
  });

  it('counts every attempt by result for the service metrics; only a completed one has an intake-to-done time', async () => {
    const events: MetricEvent[] = [];
    await store.enqueue(delivery('doomed', 'k'));
    await store.enqueue(delivery('next', 'k'));
    worker = new Worker({
      store,
      settings,
      log,
      metrics: { record: (e) => events.push(e) },
      handler: async (row) => {
        if (row.id === 'doomed') throw new Error('handler exploded');
        return {};
      },
    });
    worker.start();
    await eventually(async () => (await store.inboxCounts()).done === 1, 'next done');
    const attempts = events.filter((e) => e.type === 'attempt');
    expect(attempts.map((e) => e.result)).toEqual(['retry', 'retry', 'dead', 'done']);
    expect(attempts.map((e) => e.intakeToDoneSeconds !== null)).toEqual([false, false, false, true]);
    for (const attempt of attempts) expect(attempt.processingSeconds).toBeGreaterThanOrEqual(0);
  });

  it('counts a failure only once the store recorded it: one it did not take is attempted again, not dead', async () => {
    const events: MetricEvent[] = [];
    await store.enqueue(delivery('bad', 'k'));
    const fail = store.fail.bind(store);
    let refusals = 1;
    store.fail = async (...args) => {
      if (refusals-- > 0) throw new Error('disk full');
      return fail(...args);
    };
    worker = new Worker({
      store,
      settings: { ...settings, leaseMs: 100 },
      log,
      metrics: { record: (e) => events.push(e) },
      handler: async () => {
        throw new ForgeError('rejected', '422 Unprocessable', 422);
      },
    });
    worker.start();
    await eventually(async () => (await store.inboxCounts()).dead === 1, 'dead-lettered after the lease lapsed');
    expect(events.filter((e) => e.type === 'attempt').map((e) => e.result)).toEqual(['dead']);
  });

  it('dead-letters a rejected forge call at once', async () => {
    let calls = 0;
    await store.enqueue(delivery('bad', 'k'));
    run(async () => {
      calls++;
      throw new ForgeError('rejected', '422 Unprocessable: label name is invalid', 422);
    });
    await eventually(async () => (await store.inboxCounts()).dead === 1, 'dead');
    expect(calls).toBe(1);
    expect((await store.listInbox('dead', 1))[0]?.lastError).toContain('label name is invalid');
  });

  it('on stop, keeps the claim of work still running until its lease expires, then it can be taken over', async () => {
    let started = false;
    worker = new Worker({
      store,
      settings: { ...settings, leaseMs: 200 },
      log,
      handler: async () => {
        started = true;
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        return {};
      },
    });
    await store.enqueue(delivery('slow', 'k'));
    worker.start();
    await eventually(() => started, 'started');
    await worker.stop(10);
    worker = null;
    expect(await store.claim(1, 'another-worker', 60_000)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await store.claim(1, 'another-worker', 60_000)).toMatchObject([{ id: 'slow', attempts: 2 }]);
  });
});

describe('retry policy', () => {
  const now = new Date('2024-01-01T00:00:00Z');
  it('never retries sooner than Retry-After', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 10_000_000 }), (attempt, retryAfterMs) => {
        const delay = retryDelayMs(attempt, { baseMs: 1000, maxMs: 60_000, retryAfterMs });
        return delay >= retryAfterMs && delay <= Math.max(60_000, retryAfterMs);
      }),
    );
  });

  it('grows exponentially up to the cap', () => {
    expect(retryDelayMs(1, { baseMs: 1000, maxMs: 60_000 }, () => 1)).toBe(1000);
    expect(retryDelayMs(4, { baseMs: 1000, maxMs: 60_000 }, () => 1)).toBe(8000);
    expect(retryDelayMs(30, { baseMs: 1000, maxMs: 60_000 }, () => 1)).toBe(60_000);
    expect(retryDelayMs(30, { baseMs: 1000, maxMs: 60_000 }, () => 0)).toBe(0);
  });

  it('dead-letters rejected calls and exhausted attempts, waits longest on auth errors', () => {
    expect(retryAt(new ForgeError('rejected', 'x', 422), 1, settings, now)).toBeNull();
    expect(retryAt(new Error('x'), settings.maxAttempts, settings, now)).toBeNull();
    const auth = retryAt(new ForgeError('auth', 'x', 401), 1, { ...settings, backoffMaxMs: 1000 }, now);
    expect(auth).not.toBeNull();
    const transient = retryAt(new ForgeError('transient', 'x', 429, 30_000), 1, settings, now);
    expect(transient!.getTime() - now.getTime()).toBeGreaterThanOrEqual(30_000);
  });
});

describe('Worker leases', () => {
  it('renews the lease of a slow delivery, so a second worker never takes it over', async () => {
    const slowSettings = { ...settings, leaseMs: 150 };
    await store.enqueue(delivery('slow', 'k'));
    let release: () => void = () => {};
    const runs: string[] = [];
    worker = new Worker({
      store,
      settings: slowSettings,
      log,
      handler: async (row) => {
        runs.push(row.id);
        await new Promise<void>((resolve) => (release = resolve));
        return {};
      },
    });
    worker.start();
    await eventually(() => runs.length === 1, 'the slow delivery started');
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await store.claim(1, 'another-worker', 60_000)).toEqual([]);
    release();
    await eventually(async () => (await store.inboxCounts()).done === 1, 'done');
    expect(runs).toEqual(['slow']);
  });
});
