import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry, IssueState, Transition } from '../../src/domain/types.js';
import type { Delivery, Store } from '../../src/store/store.js';

/**
 * The promises every Store makes (src/store/store.ts), run against each implementation.
 * `makeStore` returns a migrated, empty store; `cleanup` runs once after the suite; `openPeer`
 * opens another handle on the database of the latest `makeStore()` (a second replica/process).
 */
export function storeContract(
  name: string,
  makeStore: () => Promise<Store>,
  cleanup: () => Promise<void>,
  openPeer: () => Promise<Store>,
): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    const others: Store[] = [];

    /** Another handle on the same database, as a second replica or a restarted process would have. */
    const peer = async (): Promise<Store> => {
      const other = await openPeer();
      others.push(other);
      return other;
    };

    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await Promise.all(others.splice(0).map((other) => other.close()));
      await store.close();
    });
    afterAll(cleanup);

    describe('enqueue', () => {
      it('stores a delivery once per id and reports the repeat as a duplicate', async () => {
        expect(await store.enqueue(delivery('d1'))).toBe('stored');
        expect(await store.enqueue(delivery('d1', { body: '{"other":true}' }))).toBe('duplicate');
        expect(await store.inboxCounts()).toEqual({ queued: 1, processing: 0, done: 0, dead: 0 });
        expect((await store.listInbox('queued', 10))[0]?.body).toBe('{}');
      });

      it('keeps every field of the delivery, queued with no attempt yet', async () => {
        const sent = delivery('d1', { headers: { 'x-github-event': 'issues', 'x-github-hook-id': '42' } });
        await store.enqueue(sent);
        const [row] = await store.listInbox('queued', 10);
        expect(row).toMatchObject({ ...sent, status: 'queued', attempts: 0, lastError: null });
        expect(Number.isInteger(row?.seq)).toBe(true);
        expect(Date.parse(row!.availableAt)).not.toBeNaN();
      });
    });

    describe('claim', () => {
      it("returns only each ordering key's oldest unfinished delivery, in arrival order", async () => {
        await enqueueAll(store, [
          ['a1', 'A'],
          ['b1', 'B'],
          ['a2', 'A'],
          ['c1', 'C'],
          ['b2', 'B'],
        ]);
        const claimed = await store.claim(10, 'w1', 60_000);
        expect(ids(claimed)).toEqual(['a1', 'b1', 'c1']);
        expect(claimed.every((row) => row.status === 'processing' && row.attempts === 1)).toBe(true);
        expect(await store.claim(10, 'w2', 60_000)).toEqual([]);
      });

      it("offers a key's next delivery only once the previous one is done", async () => {
        await enqueueAll(store, [
          ['a1', 'A'],
          ['a2', 'A'],
          ['a3', 'A'],
        ]);
        const order: string[] = [];
        for (let round = 0; round < 3; round++) {
          const [row, ...rest] = await store.claim(10, 'w1', 60_000);
          expect(rest).toEqual([]);
          order.push(row!.id);
          expect(await store.complete(row!.seq, 'w1', {})).toBe(true);
        }
        expect(order).toEqual(['a1', 'a2', 'a3']);
        expect(await store.claim(10, 'w1', 60_000)).toEqual([]);
      });

      it('honours the limit, oldest first', async () => {
        await enqueueAll(store, [
          ['x', 'X'],
          ['y', 'Y'],
          ['z', 'Z'],
        ]);
        expect(ids(await store.claim(2, 'w1', 60_000))).toEqual(['x', 'y']);
        expect(ids(await store.claim(2, 'w2', 60_000))).toEqual(['z']);
      });

      it('never gives the same delivery to two claimers at once', async () => {
        await enqueueAll(
          store,
          Array.from({ length: 30 }, (_, i) => [`d${i}`, `key-${i}`] as const),
        );
        const claimers = await Promise.all([store, await peer(), await peer()]);
        const batches = await Promise.all(
          [...claimers, ...claimers].map((claimer, i) => claimer.claim(7, `w${i}`, 60_000)),
        );
        const claimedIds = batches.flatMap(ids);
        expect(new Set(claimedIds).size).toBe(claimedIds.length);
        expect(claimedIds).toHaveLength(30);
      });

      it('lets another worker take a delivery over once its lease expired, and the first loses it', async () => {
        await enqueueAll(store, [['a1', 'A']]);
        const [first] = await store.claim(1, 'w1', 60_000);
        expect(await store.claim(1, 'w2', 60_000)).toEqual([]);
        // The holder's last renewal grants 1 ms: however slow the machine, the wait only lets it lapse more.
        expect(await store.renew([first!.seq], 'w1', 1)).toBe(1);
        await sleep(20);
        const [taken] = await store.claim(1, 'w2', 60_000);
        expect(taken).toMatchObject({ id: 'a1', attempts: 2 });
        expect(
          await store.complete(first!.seq, 'w1', { transitions: [transition('A', '2024-05-01T10:00:00.000Z')] }),
        ).toBe(false);
        expect(await store.transitions({})).toEqual([]);
        expect(await store.complete(taken!.seq, 'w2', {})).toBe(true);
        expect(await store.inboxCounts()).toMatchObject({ processing: 0, done: 1 });
      });

      it('holds back a replayed older delivery while a newer one of its key is being processed', async () => {
        await enqueueAll(store, [
          ['a1', 'A'],
          ['a2', 'A'],
        ]);
        const [first] = await store.claim(1, 'w1', 60_000);
        await store.complete(first!.seq, 'w1', {});
        const [second] = await store.claim(1, 'w1', 60_000);
        expect(second).toMatchObject({ id: 'a2' });
        expect(await store.requeue({ ids: ['a1'] })).toBe(1);
        expect(await store.claim(5, 'w2', 60_000)).toEqual([]);
        await store.complete(second!.seq, 'w1', {});
        expect(await store.claim(5, 'w2', 60_000)).toMatchObject([{ id: 'a1' }]);
      });

      it('keeps a renewed lease alive past its first expiry; only the holder can renew', async () => {
        await enqueueAll(store, [['a1', 'A']]);
        const [held] = await store.claim(1, 'w1', 100);
        expect(await store.renew([held!.seq], 'intruder', 60_000)).toBe(0);
        expect(await store.renew([held!.seq], 'w1', 60_000)).toBe(1);
        await sleep(150);
        expect(await store.claim(1, 'w2', 60_000)).toEqual([]);
        expect(await store.complete(held!.seq, 'w1', {})).toBe(true);
        expect(await store.renew([held!.seq], 'w1', 60_000)).toBe(0);
      });

      it('keeps per-key order and processes each delivery once for any arrival interleaving', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.constantFrom('A', 'B', 'C', 'D'), { minLength: 1, maxLength: 25 }),
            async (keys) => {
              const fresh = await makeStore();
              try {
                const sent = keys.map((key, i) => [`${key}-${i}`, key] as const);
                await enqueueAll(fresh, sent);
                const processed: string[] = [];
                for (
                  let batch = await fresh.claim(3, 'w', 60_000);
                  batch.length;
                  batch = await fresh.claim(3, 'w', 60_000)
                ) {
                  for (const row of batch) {
                    processed.push(row.id);
                    await fresh.complete(row.seq, 'w', {});
                  }
                }
                expect([...processed].sort()).toEqual(sent.map(([id]) => id).sort());
                for (const key of new Set(keys)) {
                  const ofKey = (list: readonly string[]) => list.filter((id) => id.startsWith(`${key}-`));
                  expect(ofKey(processed)).toEqual(ofKey(sent.map(([id]) => id)));
                }
              } finally {
                await fresh.close();
              }
            },
          ),
          { numRuns: 12 },
        );
      });
    });

    describe('complete', () => {
      it('commits state, transitions and audit together with the completion', async () => {
        await enqueueAll(store, [['a1', 'A']]);
        const [row] = await store.claim(1, 'w1', 60_000);
        const state = issueState(7);
        const audit = auditEntry(7, '2024-05-01T10:00:01.000Z', 'labels');
        const done = await store.complete(row!.seq, 'w1', {
          state,
          transitions: [transition('o/r#7', '2024-05-01T10:00:00.000Z')],
          audit: [audit],
        });
        expect(done).toBe(true);
        expect(await store.getIssueState(state.ref)).toEqual(state);
        expect(await store.transitions({})).toEqual([transition('o/r#7', '2024-05-01T10:00:00.000Z')]);
        expect(await store.audit({ limit: 10 })).toEqual([audit]);
        expect(await store.inboxCounts()).toMatchObject({ done: 1, processing: 0 });
      });

      it('writes nothing and returns false for a worker that does not hold the claim', async () => {
        await enqueueAll(store, [['a1', 'A']]);
        const [row] = await store.claim(1, 'w1', 60_000);
        const done = await store.complete(row!.seq, 'intruder', {
          state: issueState(7),
          transitions: [transition('o/r#7', '2024-05-01T10:00:00.000Z')],
          audit: [auditEntry(7, '2024-05-01T10:00:01.000Z', 'labels')],
        });
        expect(done).toBe(false);
        expect(await store.getIssueState(issueState(7).ref)).toBeNull();
        expect(await store.transitions({})).toEqual([]);
        expect(await store.audit({ limit: 10 })).toEqual([]);
        expect(await store.inboxCounts()).toMatchObject({ processing: 1, done: 0 });
      });

      it('returns false for a delivery that is already done', async () => {
        await enqueueAll(store, [['a1', 'A']]);
        const [row] = await store.claim(1, 'w1', 60_000);
        expect(await store.complete(row!.seq, 'w1', {})).toBe(true);
        expect(await store.complete(row!.seq, 'w1', {})).toBe(false);
      });
    });

    describe('fail', () => {
      it('schedules a retry: not claimable before retryAt, and it still holds back its key', async () => {
        await enqueueAll(store, [
          ['a1', 'A'],
          ['a2', 'A'],
        ]);
        const [row] = await store.claim(1, 'w1', 60_000);
        await store.fail(row!.seq, 'w1', 'HTTP 502 from forge', new Date(Date.now() + 60_000));
        const [queued] = await store.listInbox('queued', 1);
        expect(queued).toMatchObject({ id: 'a1', attempts: 1, lastError: 'HTTP 502 from forge' });
        expect(await store.claim(10, 'w1', 60_000)).toEqual([]);
      });

      it('makes the delivery claimable again once retryAt has passed', async () => {
        await enqueueAll(store, [['a1', 'A']]);
        const [row] = await store.claim(1, 'w1', 60_000);
        await store.fail(row!.seq, 'w1', 'timeout', new Date(Date.now() - 1));
        const [again] = await store.claim(1, 'w2', 60_000);
        expect(again).toMatchObject({ id: 'a1', attempts: 2, lastError: 'timeout' });
      });

      it('dead-letters with a null retryAt, which unblocks the next delivery of the key', async () => {
        await enqueueAll(store, [
          ['a1', 'A'],
          ['a2', 'A'],
        ]);
        const [row] = await store.claim(1, 'w1', 60_000);
        await store.fail(row!.seq, 'w1', 'HTTP 404 issue not found', null);
        expect(await store.listInbox('dead', 10)).toMatchObject([{ id: 'a1', lastError: 'HTTP 404 issue not found' }]);
        expect(ids(await store.claim(10, 'w1', 60_000))).toEqual(['a2']);
      });

      it('ignores a failure reported by a worker that does not hold the claim', async () => {
        await enqueueAll(store, [['a1', 'A']]);
        await store.claim(1, 'w1', 60_000);
        const [row] = await store.listInbox('processing', 1);
        await store.fail(row!.seq, 'intruder', 'boom', null);
        expect(await store.inboxCounts()).toMatchObject({ processing: 1, dead: 0 });
      });
    });

    describe('prune', () => {
      it('deletes only done deliveries received before the cutoff, and forgets their ids', async () => {
        await store.enqueue(delivery('old-done', { orderingKey: 'A', receivedAt: '2024-01-01T00:00:00.000Z' }));
        await store.enqueue(delivery('new-done', { orderingKey: 'B', receivedAt: '2024-03-01T00:00:00.000Z' }));
        await store.enqueue(delivery('old-dead', { orderingKey: 'C', receivedAt: '2024-01-01T00:00:00.000Z' }));
        await store.enqueue(delivery('old-queued', { orderingKey: 'D', receivedAt: '2024-01-01T00:00:00.000Z' }));
        const claimed = await store.claim(10, 'w1', 60_000);
        const bySeq = (id: string) => claimed.find((row) => row.id === id)!.seq;
        await store.complete(bySeq('old-done'), 'w1', {});
        await store.complete(bySeq('new-done'), 'w1', {});
        await store.fail(bySeq('old-dead'), 'w1', 'gave up', null);
        await store.fail(bySeq('old-queued'), 'w1', 'try again', new Date(0));

        expect(await store.prune('2024-02-01T00:00:00.000Z')).toBe(1);
        expect(await store.inboxCounts()).toEqual({ queued: 1, processing: 0, done: 1, dead: 1 });
        expect(await store.enqueue(delivery('old-done', { orderingKey: 'A' }))).toBe('stored');
        expect(await store.enqueue(delivery('new-done', { orderingKey: 'B' }))).toBe('duplicate');
      });
    });

    describe('known deliveries', () => {
      it('tells which ids the inbox holds in any status, and forgets pruned ones', async () => {
        await store.enqueue(delivery('kept', { orderingKey: 'A', receivedAt: '2024-03-01T00:00:00.000Z' }));
        await store.enqueue(delivery('pruned', { orderingKey: 'B', receivedAt: '2024-01-01T00:00:00.000Z' }));
        await store.enqueue(delivery('dead', { orderingKey: 'C', receivedAt: '2024-01-01T00:00:00.000Z' }));
        const claimed = await store.claim(10, 'w1', 60_000);
        await store.complete(claimed.find((row) => row.id === 'pruned')!.seq, 'w1', {});
        await store.fail(claimed.find((row) => row.id === 'dead')!.seq, 'w1', 'gave up', null);
        await store.prune('2024-02-01T00:00:00.000Z');

        expect(await store.knownDeliveries(['kept', 'pruned', 'dead', 'never'])).toEqual(new Set(['kept', 'dead']));
        expect(await store.knownDeliveries([])).toEqual(new Set());
        const many = Array.from({ length: 1_200 }, (_, n) => `unknown-${n}`);
        expect(await store.knownDeliveries([...many, 'kept'])).toEqual(new Set(['kept']));
      });

      it("gives the newest delivery's arrival per forge", async () => {
        expect(await store.lastReceivedAt('gitlab')).toBeNull();
        await store.enqueue(
          delivery('a', { forge: 'gitlab', orderingKey: 'A', receivedAt: '2024-03-01T00:00:00.000Z' }),
        );
        await store.enqueue(
          delivery('b', { forge: 'gitlab', orderingKey: 'B', receivedAt: '2024-03-05T00:00:00.000Z' }),
        );
        await store.enqueue(
          delivery('c', { forge: 'github', orderingKey: 'C', receivedAt: '2024-04-01T00:00:00.000Z' }),
        );
        expect(await store.lastReceivedAt('gitlab')).toBe('2024-03-05T00:00:00.000Z');
        expect(await store.lastReceivedAt('github')).toBe('2024-04-01T00:00:00.000Z');
      });
    });

    describe('requeue', () => {
      it('requeues dead and done deliveries by id, with fresh attempts; others are not counted', async () => {
        await enqueueAll(store, [
          ['dead', 'A'],
          ['done', 'B'],
          ['waiting', 'C'],
        ]);
        const [deadRow, doneRow] = await store.claim(2, 'w1', 60_000);
        await store.fail(deadRow!.seq, 'w1', 'gone', null);
        await store.complete(doneRow!.seq, 'w1', {});
        expect(await store.requeue({ ids: ['dead', 'done', 'waiting', 'unknown'] })).toBe(2);
        expect(await store.listInbox('queued', 10)).toMatchObject([
          { id: 'dead', attempts: 0 },
          { id: 'done', attempts: 0 },
          { id: 'waiting', attempts: 0 },
        ]);
      });

      it('requeues every dead letter and nothing else', async () => {
        await enqueueAll(store, [
          ['d1', 'A'],
          ['d2', 'B'],
          ['ok', 'C'],
        ]);
        const claimed = await store.claim(3, 'w1', 60_000);
        await store.fail(claimed[0]!.seq, 'w1', 'gone', null);
        await store.fail(claimed[1]!.seq, 'w1', 'gone', null);
        await store.complete(claimed[2]!.seq, 'w1', {});
        expect(await store.requeue({ allDead: true })).toBe(2);
        expect(await store.inboxCounts()).toEqual({ queued: 2, processing: 0, done: 1, dead: 0 });
        expect(ids(await store.claim(10, 'w1', 60_000))).toEqual(['d1', 'd2']);
      });
    });

    describe('transitions', () => {
      it('stores a transition once and counts only the new ones', async () => {
        const first = transition('o/r#1', '2024-05-01T10:00:00.000Z');
        const second = transition('o/r#1', '2024-05-02T10:00:00.000Z', { from: 'intake', to: 'triage' });
        expect(await store.recordTransitions([first])).toBe(1);
        expect(await store.recordTransitions([first, second])).toBe(1);
        expect(await store.recordTransitions([first, second])).toBe(0);
        expect(await store.transitions({})).toEqual([first, second]);
      });

      it("filters by forge, project, issue and a [from, to) time window; each issue's in time order", async () => {
        const all = [
          transition('o/r#1', '2024-05-03T00:00:00.000Z', { from: 'intake', to: 'triage' }),
          transition('o/r#1', '2024-05-01T00:00:00.000Z'),
          transition('o/r#2', '2024-05-02T00:00:00.000Z'),
          transition('o/other#1', '2024-05-02T00:00:00.000Z'),
          { ...transition('o/r#1', '2024-05-02T00:00:00.000Z'), forge: 'gitlab' as const, project: '17' },
        ];
        await store.recordTransitions(all);
        const key = (list: Transition[]) => list.map((t) => `${t.forge}:${t.project}#${t.iid}@${t.at.slice(0, 10)}`);
        expect(key(await store.transitions({ forge: 'github', project: 'o/r', iid: 1 }))).toEqual([
          'github:o/r#1@2024-05-01',
          'github:o/r#1@2024-05-03',
        ]);
        expect(key(await store.transitions({ forge: 'gitlab' }))).toEqual(['gitlab:17#1@2024-05-02']);
        expect(key(await store.transitions({ project: 'o/r' })).sort()).toEqual([
          'github:o/r#1@2024-05-01',
          'github:o/r#1@2024-05-03',
          'github:o/r#2@2024-05-02',
        ]);
        const window = await store.transitions({ from: '2024-05-02T00:00:00.000Z', to: '2024-05-03T00:00:00.000Z' });
        expect(key(window).sort()).toEqual([
          'github:o/other#1@2024-05-02',
          'github:o/r#2@2024-05-02',
          'gitlab:17#1@2024-05-02',
        ]);
      });

      it('round-trips every field, including a null from and missing kind/segment', async () => {
        const full = transition('o/r#3', '2024-05-01T08:30:00.000Z', { kind: 'sow-request', segment: 'enterprise' });
        const bare: Transition = { ...transition('o/r#4', '2024-05-01T08:30:00.000Z'), kind: null, segment: null };
        await store.recordTransitions([full, bare]);
        expect(await store.transitions({})).toEqual([full, bare]);
      });
    });

    describe('issue state', () => {
      it('round-trips, updates in place and is null for an unknown issue', async () => {
        const state = issueState(7);
        await store.putIssueState(state);
        expect(await store.getIssueState(state.ref)).toEqual(state);
        const moved = {
          ...state,
          stage: 'triage',
          labels: ['stage::triage'],
          assignees: ['alice', 'bob'],
          extra: { itemId: 'PVTI_1' },
        };
        await store.putIssueState(moved);
        expect(await store.getIssueState(state.ref)).toEqual(moved);
        expect(await store.getIssueState({ ...state.ref, iid: 8 })).toBeNull();
        expect(await store.issueStates({})).toEqual([moved]);
      });

      it('finds a GitHub issue by its node id when only the node id is known (iid 0)', async () => {
        const state = issueState(7, 'I_kwDOAbc123');
        await store.putIssueState(state);
        expect(await store.getIssueState({ forge: 'github', project: '', iid: 0, nodeId: 'I_kwDOAbc123' })).toEqual(
          state,
        );
        expect(await store.getIssueState({ forge: 'github', project: '', iid: 0, nodeId: 'I_unknown' })).toBeNull();
      });

      it('keeps a known node id when a later write does not carry it', async () => {
        const state = issueState(7, 'I_kwDOAbc123');
        await store.putIssueState(state);
        await store.putIssueState({ ...state, ref: { forge: 'github', project: 'o/r', iid: 7 }, stage: 'triage' });
        const byNode = await store.getIssueState({ forge: 'github', project: '', iid: 0, nodeId: 'I_kwDOAbc123' });
        expect(byNode?.stage).toBe('triage');
      });

      it('lists issue states filtered by forge and project', async () => {
        const github = issueState(1);
        const gitlab: IssueState = { ...issueState(1), ref: { forge: 'gitlab', project: '17', iid: 1 } };
        const otherRepo: IssueState = { ...issueState(2), ref: { forge: 'github', project: 'o/other', iid: 2 } };
        for (const state of [github, gitlab, otherRepo]) await store.putIssueState(state);
        expect(await store.issueStates({ forge: 'gitlab' })).toEqual([gitlab]);
        expect(await store.issueStates({ forge: 'github', project: 'o/r' })).toEqual([github]);
        expect(await store.issueStates({})).toHaveLength(3);
      });
    });

    describe('issueHistory', () => {
      it("returns one issue's state and its transitions in time order, and nothing for an unknown issue", async () => {
        const state = issueState(7);
        const [late, early] = ['2024-05-03', '2024-05-01'].map((day) =>
          transition('o/r#7', `${day}T00:00:00.000Z`, { to: day }),
        );
        await store.putIssueState(state);
        await store.putIssueState(issueState(8));
        await store.recordTransitions([late!, early!, transition('o/r#8', '2024-05-02T00:00:00.000Z')]);
        expect(await store.issueHistory(state.ref)).toEqual({ state, transitions: [early, late] });
        expect(await store.issueHistory({ ...state.ref, iid: 9 })).toEqual({ state: null, transitions: [] });
      });

      it('pairs each state with the transitions committed with it while another connection completes deliveries', async () => {
        const other = await peer();
        const ref = issueState(5).ref;
        const moves = 30;
        const writing = (async () => {
          for (let i = 1; i <= moves; i++) {
            await other.enqueue(delivery(`move-${i}`, { orderingKey: 'github:o/r#5' }));
            const [row] = await other.claim(1, 'writer', 60_000);
            const at = new Date(Date.UTC(2024, 4, 1, 0, i)).toISOString();
            await other.complete(row!.seq, 'writer', {
              state: { ...issueState(5), stage: `stage-${i}`, updatedAt: at },
              transitions: [transition('o/r#5', at, { to: `stage-${i}` })],
            });
          }
        })();
        const reads: { stage: string | null; last: string | null }[] = [];
        let finished = false;
        void writing.finally(() => (finished = true));
        while (!finished) {
          const { state, transitions } = await store.issueHistory(ref);
          reads.push({ stage: state?.stage ?? null, last: transitions.at(-1)?.to ?? null });
          // A turn of the event loop: SQLite answers synchronously, and the writer's commits wait on I/O.
          await new Promise((resolve) => setImmediate(resolve));
        }
        await writing;
        expect(reads.length).toBeGreaterThan(0);
        expect(reads.filter((read) => read.stage !== read.last)).toEqual([]);
        expect(await store.issueHistory(ref)).toMatchObject({ state: { stage: `stage-${moves}` } });
      });
    });

    describe('changesSince', () => {
      const START = { transitions: 0, states: 0 };

      it('returns what was recorded after the cursor, each row once, in insertion order and in pages', async () => {
        const [a, b, c] = ['2024-05-03', '2024-05-01', '2024-05-02'].map((day) =>
          transition('o/r#1', `${day}T00:00:00.000Z`),
        );
        await store.recordTransitions([a!, b!]);
        await store.recordTransitions([a!]);
        const first = await store.changesSince(START, 10);
        expect(first.transitions).toEqual([a, b]);
        await store.recordTransitions([c!]);
        const second = await store.changesSince(first.cursor, 10);
        expect(second.transitions).toEqual([c]);
        expect(await store.changesSince(second.cursor, 10)).toEqual({
          transitions: [],
          states: [],
          cursor: second.cursor,
        });
        const page = await store.changesSince(START, 2);
        expect(page.transitions).toEqual([a, b]);
        expect((await store.changesSince(page.cursor, 2)).transitions).toEqual([c]);
      });

      it('returns an issue state again after each write, as last written, and completions too', async () => {
        await store.putIssueState(issueState(1));
        await store.putIssueState(issueState(2));
        const first = await store.changesSince(START, 10);
        expect(first.states.map((state) => state.ref.iid)).toEqual([1, 2]);
        const moved = { ...issueState(1), stage: 'triage' };
        await store.putIssueState(moved);
        const second = await store.changesSince(first.cursor, 10);
        expect(second.states).toEqual([moved]);
        await store.enqueue(delivery('d1'));
        const [claimed] = await store.claim(1, 'w1', 60_000);
        const done = transition('o/r#2', '2024-05-04T00:00:00.000Z');
        await store.complete(claimed!.seq, 'w1', { state: issueState(2), transitions: [done] });
        const third = await store.changesSince(second.cursor, 10);
        expect(third.transitions).toEqual([done]);
        expect(third.states).toEqual([issueState(2)]);
      });

      it("sees another connection's writes that commit after its read, and misses none of many concurrent ones", async () => {
        const other = await peer();
        let cursor = START;
        const seen: string[] = [];
        const writes = Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? other : store).recordTransitions([transition(`o/r#${i + 1}`, '2024-05-01T00:00:00.000Z')]),
        );
        const reading = (async () => {
          for (let round = 0; round < 20; round++) {
            const changes = await store.changesSince(cursor, 7);
            seen.push(...changes.transitions.map((t) => `${t.iid}`));
            cursor = changes.cursor;
          }
        })();
        await Promise.all([...writes, reading]);
        for (
          let changes = await store.changesSince(cursor, 7);
          changes.transitions.length;
          changes = await store.changesSince(cursor, 7)
        ) {
          seen.push(...changes.transitions.map((t) => `${t.iid}`));
          cursor = changes.cursor;
        }
        expect(seen.sort()).toEqual(Array.from({ length: 40 }, (_, i) => `${i + 1}`).sort());
      });
    });

    describe('audit', () => {
      it('returns the newest entries first, limited and filtered, with their detail', async () => {
        const entries = [
          auditEntry(1, '2024-05-01T10:00:00.000Z', 'labels'),
          auditEntry(2, '2024-05-01T10:00:01.000Z', 'comment'),
          auditEntry(1, '2024-05-01T10:00:02.000Z', 'board-status'),
        ];
        await store.recordAudit(entries);
        expect(await store.audit({ limit: 2 })).toEqual([entries[2], entries[1]]);
        expect(await store.audit({ limit: 10, iid: 1 })).toEqual([entries[2], entries[0]]);
        expect(await store.audit({ limit: 10, forge: 'gitlab' })).toEqual([]);
        expect(await store.audit({ limit: 10, project: 'o/r' })).toHaveLength(3);
      });

      it('prunes entries recorded before the cutoff and keeps the rest', async () => {
        const entries = [
          auditEntry(1, '2024-01-31T23:59:59.999Z', 'labels'),
          auditEntry(2, '2024-02-01T00:00:00.000Z', 'comment'),
          auditEntry(3, '2024-03-01T00:00:00.000Z', 'labels'),
        ];
        await store.recordAudit(entries);
        expect(await store.pruneAudit('2024-02-01T00:00:00.000Z')).toBe(1);
        expect(await store.audit({ limit: 10 })).toEqual([entries[2], entries[1]]);
        expect(await store.pruneAudit('2024-02-01T00:00:00.000Z')).toBe(0);
      });
    });

    describe('cursors', () => {
      it('is null until set, then returns the latest value', async () => {
        expect(await store.getCursor('backfill:github:o/r')).toBeNull();
        await store.setCursor('backfill:github:o/r', '2024-05-01T00:00:00Z');
        await store.setCursor('backfill:github:o/r', '2024-06-01T00:00:00Z');
        expect(await store.getCursor('backfill:github:o/r')).toBe('2024-06-01T00:00:00Z');
        expect(await store.getCursor('backfill:gitlab:17')).toBeNull();
      });
    });

    describe('sweep lease and policy memory', () => {
      const sweep = (holder: string) => ({ name: 'sweep', holder });
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

      it('grants a free lease to one holder, lets it renew, and refuses everyone else while it lasts', async () => {
        const other = await peer();
        expect(await store.holdLease(sweep('a'), 60_000)).toBe(true);
        expect(await other.holdLease(sweep('b'), 60_000)).toBe(false);
        expect(await store.holdLease(sweep('a'), 60_000)).toBe(true);
        expect(await other.holdLease({ name: 'another-job', holder: 'b' }, 60_000)).toBe(true);
      });

      it('hands an expired lease over to the next holder (a sweeper that died)', async () => {
        const other = await peer();
        expect(await store.holdLease(sweep('a'), 50)).toBe(true);
        await sleep(120);
        expect(await other.holdLease(sweep('b'), 60_000)).toBe(true);
        expect(await store.holdLease(sweep('a'), 60_000)).toBe(false);
      });

      it('gives the lease to exactly one of many holders asking at once', async () => {
        const handles = [store, await peer(), await peer()];
        const granted = await Promise.all(
          Array.from({ length: 9 }, (_, i) => handles[i % handles.length]!.holdLease(sweep(`h${i}`), 60_000)),
        );
        expect(granted.filter(Boolean)).toHaveLength(1);
      });

      it('stores policy memory only while the lease is held, and reads every issue back', async () => {
        const other = await peer();
        expect(await store.policyMemory()).toEqual([]);
        expect(
          await store.putPolicyMemory([{ key: 'github:o/r#1', memory: { fired: { stale: 'x' } } }], sweep('a')),
        ).toBe(false);
        expect(await store.holdLease(sweep('a'), 60_000)).toBe(true);
        const rows = [
          { key: 'github:o/r#1', memory: { fired: { stale: '2024-05-01T00:00:00.000Z' } } },
          { key: 'gitlab:7#2', memory: { fired: {} } },
        ];
        expect(await store.putPolicyMemory(rows, sweep('a'))).toBe(true);
        expect(await other.putPolicyMemory([{ key: 'gitlab:7#2', memory: { fired: { x: 'y' } } }], sweep('b'))).toBe(
          false,
        );
        const updated = { key: 'gitlab:7#2', memory: { fired: { 'suggest-lost': '2024-06-01T00:00:00.000Z' } } };
        expect(await store.putPolicyMemory([updated], sweep('a'))).toBe(true);
        const read = (await other.policyMemory()).sort((x, y) => x.key.localeCompare(y.key));
        expect(read).toEqual([rows[0], updated]);
      });

      it('refuses the memory of a holder whose lease lapsed and was taken over (fencing)', async () => {
        const other = await peer();
        expect(await store.holdLease(sweep('a'), 50)).toBe(true);
        await sleep(120);
        expect(await other.holdLease(sweep('b'), 60_000)).toBe(true);
        expect(await store.putPolicyMemory([{ key: 'k', memory: { fired: {} } }], sweep('a'))).toBe(false);
        expect(await store.policyMemory()).toEqual([]);
      });

      it('writes a cursor under a live lease, and refuses it once the lease lapsed and was taken over (fencing)', async () => {
        const other = await peer();
        expect(await store.holdLease(sweep('a'), 60_000)).toBe(true);
        expect(await store.setCursor('sweep.finishedAt', 'first', sweep('a'))).toBe(true);
        // The holder's last renewal grants 1 ms: however slow the machine, the wait only lets it lapse more.
        expect(await store.holdLease(sweep('a'), 1)).toBe(true);
        await sleep(20);
        expect(await other.holdLease(sweep('b'), 60_000)).toBe(true);
        expect(await store.setCursor('sweep.finishedAt', 'stale', sweep('a'))).toBe(false);
        expect(await other.setCursor('sweep.finishedAt', 'second', sweep('b'))).toBe(true);
        expect(await store.getCursor('sweep.finishedAt')).toBe('second');
      });

      it('refuses a fenced cursor write for a lease never taken, and writes an unfenced one', async () => {
        expect(await store.setCursor('c', 'fenced', sweep('nobody'))).toBe(false);
        expect(await store.getCursor('c')).toBeNull();
        expect(await store.setCursor('c', 'plain')).toBe(true);
        expect(await store.getCursor('c')).toBe('plain');
      });
    });

    describe('lifecycle', () => {
      it('migrates again without losing data, and answers ping', async () => {
        await store.enqueue(delivery('d1'));
        await store.setCursor('c', 'v');
        await store.migrate();
        await expect(store.ping()).resolves.toBeUndefined();
        expect(await store.getCursor('c')).toBe('v');
        expect(await store.inboxCounts()).toMatchObject({ queued: 1 });
      });

      it('counts deliveries by status', async () => {
        await enqueueAll(store, [
          ['a', 'A'],
          ['b', 'B'],
          ['c', 'C'],
          ['d', 'D'],
        ]);
        const [a, b, c] = await store.claim(3, 'w1', 60_000);
        await store.complete(a!.seq, 'w1', {});
        await store.fail(b!.seq, 'w1', 'gone', null);
        expect(c?.id).toBe('c');
        expect(await store.inboxCounts()).toEqual({ queued: 1, processing: 1, done: 1, dead: 1 });
      });
    });
  });
}

export function delivery(id: string, overrides: Partial<Delivery> = {}): Delivery {
  return {
    id,
    forge: 'github',
    event: 'issues.labeled',
    orderingKey: 'github:o/r#1',
    headers: { 'x-github-event': 'issues' },
    body: '{}',
    receivedAt: '2024-05-01T10:00:00.000Z',
    ...overrides,
  };
}

export async function enqueueAll(store: Store, items: readonly (readonly [id: string, key: string])[]): Promise<void> {
  // One after the other: arrival order is what the claim order is checked against.
  for (const [id, orderingKey] of items) await store.enqueue(delivery(id, { orderingKey }));
}

const ids = (rows: { id: string }[]) => rows.map((row) => row.id);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function transition(issue: string, at: string, overrides: Partial<Transition> = {}): Transition {
  const [project, iid] = issue.includes('#') ? issue.split('#') : ['o/r', '1'];
  return {
    forge: 'github',
    project: project!,
    iid: Number(iid),
    from: null,
    to: 'intake',
    at,
    actor: 'alice',
    source: 'webhook',
    kind: 'sow-request',
    segment: null,
    ...overrides,
  };
}

export function issueState(iid: number, nodeId?: string): IssueState {
  return {
    ref: { forge: 'github', project: 'o/r', iid, ...(nodeId ? { nodeId } : {}) },
    kind: 'sow-request',
    stage: 'intake',
    stageBeforeHold: null,
    stageBeforeClose: null,
    labels: ['stage::intake', 'type::sow-request'],
    commentDigest: 'sha256:abc',
    segment: 'enterprise',
    title: 'SOW: ACME production deployment',
    createdAt: '2024-05-01T09:00:00.000Z',
    closedAt: null,
    updatedAt: '2024-05-01T10:00:00.000Z',
    extra: {},
  };
}

function auditEntry(iid: number, at: string, action: string): AuditEntry {
  return {
    at,
    deliveryId: `delivery-${iid}`,
    forge: 'github',
    project: 'o/r',
    iid,
    action,
    detail: { add: ['stage::intake'], remove: [], reason: 'opened from template' },
    result: 'planned',
    apiCalls: 0,
    latencyMs: 3,
  };
}
