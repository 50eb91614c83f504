import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { backfill } from '../../../src/engine/backfill.js';
import { backfillVocabulary, transitionsFromHistory } from '../../../src/engine/backfill-transitions.js';
import { decodeIidRanges, encodeIidRanges } from '../../../src/engine/iid-ranges.js';
import { issueFacts } from '../../../src/metrics/durations/issue-facts.js';
import { issueMetrics } from '../../../src/metrics/durations/issue-metrics.js';
import { metricsSettings } from '../../../src/metrics/durations/settings.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { fakeForge, history } from './fake-forge.js';

const config = configSchema.parse({});
const vocabulary = backfillVocabulary(config);

/** Ledger engagement A (test/unit/metrics/ledger.ts) as GitLab's resource label events tell it. */
const A_HISTORY = history('gitlab', '42', [
  [1, 'add', 'type::implementation', '2026-01-05T09:00:00Z'],
  [1, 'add', 'segment::enterprise', '2026-01-05T09:00:00Z'],
  [1, 'add', 'stage::intake', '2026-01-05T09:00:00Z'],
  [1, 'remove', 'stage::intake', '2026-01-10T12:00:00Z'],
  [1, 'add', 'stage::sow-signed', '2026-01-10T12:00:00Z'],
  [1, 'add', 'stage::kickoff', '2026-01-12T09:00:00Z'],
  [1, 'remove', 'stage::sow-signed', '2026-01-12T09:00:00Z'],
  [1, 'add', 'stage::deployment', '2026-01-15 10:00:00 UTC'],
  [1, 'remove', 'stage::kickoff', '2026-01-15 10:00:00 UTC'],
  [1, 'add', 'stage::on-hold', '2026-01-20T10:00:00Z'],
  [1, 'add', 'stage::deployment', '2026-01-25T10:00:00Z'],
  [1, 'add', 'stage::production-live', '2026-02-05T16:30:15Z'],
  [1, 'closed', '', '2026-02-10T10:00:00Z'],
]);

const settings = metricsSettings(config);
const LATER = Date.parse('2026-07-01T00:00:00Z');

describe('label history → transitions', () => {
  it('replays scoped-label swaps, pauses, closes and reopens the way the webhooks record them', () => {
    const entries = history('github', 'acme/web', [
      [7, 'add', 'stage::deployment', '2026-03-03T08:00:00Z'],
      [7, 'add', 'status::blocked', '2026-03-04T08:00:00Z'],
      [7, 'add', 'status::blocked', '2026-03-04T09:00:00Z'],
      [7, 'remove', 'status::blocked', '2026-03-06T20:00:00Z'],
      [7, 'add', 'escalated', '2026-03-07T08:00:00Z'],
      [7, 'closed', '', '2026-03-13T08:00:00Z'],
      [7, 'add', 'stage::closed', '2026-03-13T08:00:01Z'],
      [7, 'reopened', '', '2026-03-14T08:00:00Z'],
      [7, 'reopened', '', '2026-03-15T08:00:00Z'],
    ]);
    expect(transitionsFromHistory(entries, vocabulary).map((t) => [t.from, t.to, t.at])).toEqual([
      [null, 'deployment', '2026-03-03T08:00:00.000Z'],
      [null, '+status::blocked', '2026-03-04T08:00:00.000Z'],
      [null, '-status::blocked', '2026-03-06T20:00:00.000Z'],
      ['deployment', 'closed', '2026-03-13T08:00:00.000Z'],
      ['closed', 'deployment', '2026-03-14T08:00:00.000Z'],
    ]);
  });

  it('maps the gitlab-ps aliases and carries kind and segment set at the same instant', () => {
    const gitlabPs = backfillVocabulary(configSchema.parse({ preset: 'gitlab-ps' }));
    const entries = history('gitlab', '42', [
      [2, 'add', 'proposal::Scoping', '2026-04-01T10:00:00Z'],
      [2, 'add', 'type::sow-request', '2026-04-01T10:00:00Z'],
      [2, 'add', 'proposal::Closed_Lost', '2026-04-20T10:00:00Z'],
    ]);
    expect(transitionsFromHistory(entries, gitlabPs).map((t) => [t.to, t.kind, t.source])).toEqual([
      ['discovery', 'sow-request', 'backfill'],
      ['+outcome::lost', 'sow-request', 'backfill'],
    ]);
  });

  it('gives the hand-computed ledger durations for engagement A', () => {
    const [facts] = issueFacts(transitionsFromHistory(A_HISTORY, vocabulary), []);
    const metrics = issueMetrics(facts!, settings, LATER);
    expect(metrics.kind).toBe('implementation');
    expect(metrics.segment).toBe('enterprise');
    expect(metrics.durations.get('implementation')).toMatchObject({ ms: 1_837_815_000, activeMs: 1_405_815_000 });
    expect(metrics.openMs).toBe(3_114_000_000);
  });
});

describe('backfill', () => {
  let store: SqliteStore;
  beforeEach(async () => {
    store = new SqliteStore({ path: ':memory:' });
    await store.migrate();
  });
  afterEach(() => store.close());

  const twoIssues = [
    ...A_HISTORY,
    ...history('gitlab', '42', [
      [2, 'add', 'stage::intake', '2026-04-01T10:00:00Z'],
      [2, 'add', 'stage::discovery', '2026-04-03T10:00:00Z'],
      [3, 'add', 'stage::intake', '2026-04-05T10:00:00Z'],
    ]),
  ];

  it('does not double count what the webhooks already recorded', async () => {
    const webhookRecorded = transitionsFromHistory(A_HISTORY, vocabulary).map((t) => ({
      ...t,
      source: 'webhook',
      from: null,
    }));
    await store.recordTransitions(webhookRecorded);
    const result = await backfill({ client: fakeForge('gitlab', twoIssues).client, store, vocabulary, project: '42' });
    expect(result).toMatchObject({ completed: true, issues: 3, recorded: 3 });
    const [facts] = issueFacts(await store.transitions({ iid: 1 }), []);
    expect(issueMetrics(facts!, settings, LATER).durations.get('implementation')?.ms).toBe(1_837_815_000);
  });

  it('resumes after an interruption without reading finished issues again into the store', async () => {
    const broken = fakeForge('gitlab', twoIssues, A_HISTORY.length + 2);
    await expect(backfill({ client: broken.client, store, vocabulary, project: '42', batchIssues: 1 })).rejects.toThrow(
      'socket hang up',
    );
    expect(await store.transitions({})).toHaveLength(8);

    const progress: number[] = [];
    const resumed = await backfill({
      client: fakeForge('gitlab', twoIssues).client,
      store,
      vocabulary,
      project: '42',
      batchIssues: 1,
      onProgress: (p) => progress.push(p.issues),
    });
    expect(resumed).toMatchObject({ completed: true, issues: 2, skippedIssues: 1, recorded: 3 });
    expect(progress).toEqual([1, 2, 2]);
    expect(await store.getCursor('backfill:gitlab:42')).toBe('');

    const again = await backfill({ client: fakeForge('gitlab', twoIssues).client, store, vocabulary, project: '42' });
    expect(again).toMatchObject({ issues: 3, skippedIssues: 0, recorded: 0 });
  });

  it('stops at an issue boundary when aborted, and the next run finishes the rest', async () => {
    const stop = new AbortController();
    const first = await backfill({
      client: fakeForge('gitlab', twoIssues).client,
      store,
      vocabulary,
      project: '42',
      signal: stop.signal,
      batchIssues: 1,
      onProgress: (p) => {
        if (p.issues === 1) stop.abort(); // as Ctrl-C would, while issue 1's batch is written
      },
    });
    expect(first).toMatchObject({ completed: false, issues: 1 });
    const second = await backfill({ client: fakeForge('gitlab', twoIssues).client, store, vocabulary, project: '42' });
    expect(second).toMatchObject({ completed: true, issues: 2, skippedIssues: 1, recorded: 3 });
  });

  it('starts over when the resume point was saved for another --since', async () => {
    await store.setCursor('backfill:gitlab:42', JSON.stringify({ since: '2026-01-01', done: '1-2' }));
    const result = await backfill({ client: fakeForge('gitlab', twoIssues).client, store, vocabulary, project: '42' });
    expect(result).toMatchObject({ issues: 3, skippedIssues: 0 });
  });

  it('passes --since to the forge', async () => {
    const result = await backfill({
      client: fakeForge('gitlab', twoIssues).client,
      store,
      vocabulary,
      project: '42',
      since: '2026-04-02',
    });
    expect(result).toMatchObject({ issues: 2, entries: 2 });
    expect((await store.transitions({})).map((t) => [t.iid, t.to])).toEqual([
      [2, 'discovery'],
      [3, 'intake'],
    ]);
  });
});

describe('issue number ranges', () => {
  it('round-trip any set of issue numbers', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 500 })), (iids) => {
        expect(decodeIidRanges(encodeIidRanges(iids))).toEqual([...new Set(iids)].sort((a, b) => a - b));
      }),
    );
    expect(encodeIidRanges([5, 1, 2, 3, 9, 10])).toBe('1-3,5,9-10');
  });
});
