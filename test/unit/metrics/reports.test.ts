import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../../src/config/schema.js';
import { createLogger } from '../../../src/logger.js';
import type { MetricsQuery } from '../../../src/metrics/runtime/answer.js';
import { LocalMetrics, type MetricsBackend } from '../../../src/metrics/runtime/local-metrics.js';
import { MetricsThread } from '../../../src/metrics/runtime/thread.js';
import { MetricsAnswers } from '../../../src/metrics/runtime/answer-cache.js';
import { metricsSettings } from '../../../src/metrics/durations/settings.js';
import type { MetricsReport } from '../../../src/metrics/contract.js';
import { createService } from '../../../src/service.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { A, B_AS_DELIVERED, C, D, D_STATE, NOW, state } from './ledger.js';

const JSON_QUERY: MetricsQuery = { format: 'json', filter: {}, echo: {}, limit: undefined };
const DASHBOARD_QUERY: MetricsQuery = {
  format: 'dashboard',
  filter: { kind: 'implementation' },
  echo: { kind: 'implementation' },
};

describe('the metrics reports', () => {
  let dir: string;
  let config: Config;
  let store: SqliteStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bk-reports-'));
    config = configSchema.parse({ store: { sqlitePath: join(dir, 'bk.db') }, durations: { cacheSeconds: 3600 } });
    store = new SqliteStore({ path: config.store.sqlitePath });
    await store.migrate();
    await store.recordTransitions([...A, ...B_AS_DELIVERED, ...C, ...D]);
    await store.putIssueState(D_STATE);
    await store.putIssueState(
      state('github', 'acme/web', 7, { labels: ['segment::mm', 'escalated'], kind: 'implementation', segment: 'mm' }),
    );
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A backend that counts the reports it computes. */
  function counting(backend: MetricsBackend) {
    const counts = { answers: 0 };
    const counted: MetricsBackend = {
      refresh: (asOfMs) => backend.refresh(asOfMs),
      answer: (query) => {
        counts.answers++;
        return backend.answer(query);
      },
      close: () => backend.close(),
    };
    return {
      counts,
      reports: new MetricsAnswers(counted, config, {
        now: () => new Date(NOW),
        onRefreshError: (error) => {
          throw error;
        },
      }),
    };
  }

  it('are computed on a thread with its own connection exactly as on this one', async () => {
    const thread = new MetricsThread(config);
    const local = new LocalMetrics(store, metricsSettings(config));
    try {
      for (const backend of [thread, local]) expect((await backend.refresh(NOW)).asOfMs).toBe(NOW);
      for (const query of [JSON_QUERY, DASHBOARD_QUERY, { format: 'csv', filter: {} } as const]) {
        expect((await thread.answer(query)).answer).toEqual((await local.answer(query)).answer);
      }
      const answered = await thread.answer(JSON_QUERY);
      expect('body' in answered.answer && (JSON.parse(answered.answer.body) as MetricsReport).issues.total).toBe(4);
    } finally {
      await thread.close();
    }
  });

  it('answer a repeated query from the cache until a new transition or issue state arrives', async () => {
    const { counts, reports } = counting(new LocalMetrics(store, metricsSettings(config)));
    const total = async () => {
      const answer = await reports.answer(JSON_QUERY);
      return 'body' in answer ? (JSON.parse(answer.body) as MetricsReport).issues.total : null;
    };
    expect([await total(), await total()]).toEqual([4, 4]);
    expect(counts.answers).toBe(1);
    await store.recordTransitions([{ ...C[0]!, iid: 99 }]);
    expect([await total(), await total()]).toEqual([5, 5]);
    expect(counts.answers).toBe(2);
    await store.putIssueState(state('gitlab', '42', 99, { labels: ['escalated'] }));
    await reports.answer(JSON_QUERY);
    expect(counts.answers).toBe(3);
    await reports.answer(DASHBOARD_QUERY);
    expect(counts.answers).toBe(4);
  });

  it('answer from the previous build while a slow refresh completes behind them', async () => {
    const engine = new LocalMetrics(store, metricsSettings(config));
    let release = () => {};
    let slow = false;
    const backend: MetricsBackend = {
      refresh: async (asOfMs) => {
        if (slow) await new Promise<void>((resolve) => (release = resolve));
        return engine.refresh(asOfMs);
      },
      answer: (query) => engine.answer(query),
      close: () => engine.close(),
    };
    const reports = new MetricsAnswers(backend, config, {
      now: () => new Date(NOW),
      onRefreshError: (error) => {
        throw error;
      },
    });
    const total = async () => {
      const answer = await reports.answer(JSON_QUERY);
      return 'body' in answer ? (JSON.parse(answer.body) as MetricsReport).issues.total : null;
    };
    expect(await total()).toBe(4);
    await store.recordTransitions([{ ...C[0]!, iid: 99 }]);
    slow = true;
    expect(await total()).toBe(4);
    expect(await total()).toBe(4);
    slow = false;
    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await total()).toBe(5);
  });

  it('read each transition once, for /metrics and /dashboard together', async () => {
    let read = 0;
    const counted = Object.assign(Object.create(store) as SqliteStore, {
      changesSince: async (...args: Parameters<SqliteStore['changesSince']>) => {
        const changes = await store.changesSince(...args);
        read += changes.transitions.length;
        return changes;
      },
      // The service closes its store; this test's afterEach closes the real one.
      close: async () => {},
    });
    const service = await createService({
      config,
      store: counted,
      log: createLogger({ level: 'silent' }),
      clients: { gitlab: null, github: null },
      now: () => new Date(NOW),
    });
    try {
      const stored = (await store.transitions({})).length;
      const [metrics, dashboard] = await Promise.all([
        service.app.inject({ method: 'GET', url: '/metrics' }),
        service.app.inject({ method: 'GET', url: '/dashboard' }),
      ]);
      expect([metrics.statusCode, dashboard.statusCode]).toEqual([200, 200]);
      expect((await service.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
      expect(read).toBe(stored);
      await store.recordTransitions([{ ...C[0]!, iid: 99 }]);
      expect((await service.app.inject({ method: 'GET', url: '/metrics' })).json<MetricsReport>().issues.total).toBe(5);
      expect(read).toBe(stored + 1);
    } finally {
      await service.close();
    }
  });
});
