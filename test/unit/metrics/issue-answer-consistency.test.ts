import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import type { Transition } from '../../../src/domain/types.js';
import { metricsRoutes } from '../../../src/http/metrics.js';
import type { IssueReport } from '../../../src/metrics/contract.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import type { Store } from '../../../src/store/store.js';
import { state } from './ledger.js';

const REF = { forge: 'gitlab' as const, project: '42', iid: 1 };
const NOW = Date.parse('2026-03-01T00:00:00Z');
const move = (from: string | null, to: string, at: string): Transition => ({
  ...REF,
  from,
  to,
  at,
  actor: 'ie',
  source: 'webhook',
  kind: 'implementation',
});
const LIVE = [
  move(null, 'deployment', '2026-02-01T00:00:00.000Z'),
  move('deployment', 'production-live', '2026-02-20T00:00:00.000Z'),
];
const CLOSE = move('production-live', 'closed', '2026-02-25T00:00:00.000Z');

/** The reads an answer about one issue is made of. */
const ISSUE_READS = new Set<PropertyKey>(['transitions', 'getIssueState', 'issueHistory']);

/**
 * The store as a request meets it under load: right after the answer's first read of the issue,
 * another writer completes a delivery that closes it (state and transition in one commit), and any
 * read that comes in meanwhile runs after that commit.
 */
function closedAfterFirstRead(store: Store, commitClose: () => Promise<void>): Store {
  let closing: Promise<void> | null = null;
  return new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (!ISSUE_READS.has(name) || typeof value !== 'function')
        return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        if (closing) {
          await closing;
          return value.apply(target, args);
        }
        const read: unknown = value.apply(target, args);
        closing = (async () => {
          await read;
          await commitClose();
        })();
        const result = await read;
        await closing;
        return result;
      };
    },
  });
}

describe('GET /metrics/issues/… while a delivery commits', () => {
  let store: SqliteStore;
  let app: FastifyInstance;

  beforeEach(async () => {
    store = new SqliteStore({ path: ':memory:' });
    await store.migrate();
    await store.recordTransitions(LIVE);
    await store.putIssueState(state('gitlab', '42', 1, { kind: 'implementation', stage: 'production-live' }));
    const commitClose = async () => {
      await store.enqueue({
        id: 'close',
        forge: 'gitlab',
        event: 'Issue Hook.close',
        orderingKey: 'gitlab:42#1',
        headers: {},
        body: '{}',
        receivedAt: CLOSE.at,
      });
      const [row] = await store.claim(1, 'engine', 60_000);
      await store.complete(row!.seq, 'engine', {
        state: state('gitlab', '42', 1, {
          kind: 'implementation',
          stage: 'closed',
          closedAt: CLOSE.at,
          updatedAt: CLOSE.at,
        }),
        transitions: [CLOSE],
      });
    };
    app = Fastify();
    await app.register(metricsRoutes, {
      store: closedAfterFirstRead(store, commitClose),
      config: configSchema.parse({}),
      now: () => new Date(NOW),
    });
  });
  afterEach(async () => {
    await app.close();
    await store.close();
  });

  it('answers from one read: the issue is closed exactly when its transitions end at closed', async () => {
    const during = (await app.inject({ method: 'GET', url: '/metrics/issues/gitlab/42/1' })).json<IssueReport>();
    const after = (await app.inject({ method: 'GET', url: '/metrics/issues/gitlab/42/1' })).json<IssueReport>();
    for (const answer of [during, after]) {
      const last = answer.transitions.at(-1)!.to;
      expect({ state: answer.state, stage: answer.stage }).toEqual(
        last === 'closed' ? { state: 'closed', stage: 'closed' } : { state: 'open', stage: last },
      );
    }
    expect(during).toMatchObject({ state: 'open', stage: 'production-live' });
    expect(after).toMatchObject({ state: 'closed', stage: 'closed' });
  });
});
