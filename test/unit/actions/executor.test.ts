import { describe, expect, it } from 'vitest';
import type { Action, AuditEntry, IssueRef } from '../../../src/domain/types.js';
import { executeActions, pendingLabels } from '../../../src/actions/executor.js';
import { noteApiCall } from '../../../src/forges/call-count.js';
import { ForgeError } from '../../../src/forges/errors.js';
import type { CallResult, ForgeClient, ForgeIssue } from '../../../src/forges/forge.js';

const ref: IssueRef = { forge: 'gitlab', project: '42', iid: 5 };
const now = () => new Date('2024-05-01T12:00:00Z');

/** An in-memory forge: one API call per method, labels kept, optional failure per method. */
class FakeForge implements ForgeClient {
  readonly forge = 'gitlab' as const;
  readonly calls: string[] = [];
  constructor(
    public labels: string[] | null,
    private readonly failWith: Partial<Record<string, Error>> = {},
  ) {}

  private call(name: string): CallResult {
    this.calls.push(name);
    noteApiCall();
    const error = this.failWith[name];
    if (error) throw error;
    return { apiCalls: 1 };
  }

  async getIssue(): Promise<ForgeIssue | null> {
    this.call('getIssue');
    return this.labels ? { ref, title: 't', body: '', state: 'open', labels: [...this.labels] } : null;
  }
  async applyLabels(_ref: IssueRef, add: string[], remove: string[]) {
    const result = this.call(`labels +${add.join(',')} -${remove.join(',')}`);
    this.labels = [...(this.labels ?? []).filter((l) => !remove.includes(l)), ...add];
    return result;
  }
  async upsertComment() {
    return this.call('comment');
  }
  async setBoardStatus() {
    return { apiCalls: 0, skipped: 'no board' };
  }
  async setIssueState() {
    return this.call('state');
  }
  async boardStatus() {
    return null;
  }
  async *listLabelHistory() {}
}

const swap: Action = { type: 'labels', add: ['stage::triage'], remove: ['stage::intake'], reason: 'triaged' };
const comment: Action = { type: 'comment', marker: '<!-- m -->', body: 'x', reason: 'invalid' };

describe('executeActions', () => {
  it('records every action as planned, with no call, in dry-run', async () => {
    const entries = await executeActions({ client: null, ref, deliveryId: 'd1', now }, [swap, comment]);
    expect(entries.map((e) => [e.action, e.result, e.apiCalls])).toEqual([
      ['labels', 'planned', 0],
      ['comment', 'planned', 0],
    ]);
    expect(entries[0]).toMatchObject({
      deliveryId: 'd1',
      forge: 'gitlab',
      project: '42',
      iid: 5,
      at: '2024-05-01T12:00:00.000Z',
    });
  });

  it('sends only the part of a label change that is not already true', async () => {
    const forge = new FakeForge(['stage::intake']);
    const entries = await executeActions(
      { client: forge, ref, deliveryId: 'd1', now, knownLabels: ['stage::intake', 'stage::triage'] },
      [swap],
    );
    expect(forge.calls).toEqual(['labels + -stage::intake']);
    expect(entries[0]).toMatchObject({ result: 'applied', apiCalls: 1 });
  });

  it('makes no call when the labels already are as wanted', async () => {
    const forge = new FakeForge(['stage::triage']);
    const entries = await executeActions(
      { client: forge, ref, deliveryId: 'd1', now, knownLabels: ['stage::triage'] },
      [swap],
    );
    expect(forge.calls).toEqual([]);
    expect(entries[0]).toMatchObject({ result: 'skipped', apiCalls: 0 });
  });

  it('re-reads the labels of a possibly stale event so a re-run after a crash converges with no write', async () => {
    const forge = new FakeForge(['stage::intake']);
    const context = { client: forge, ref, deliveryId: 'd1', now, knownLabels: ['stage::intake'], verifyLabels: true };
    await executeActions(context, [swap]);
    forge.calls.length = 0;
    const rerun = await executeActions(context, [swap]);
    expect(forge.calls).toEqual(['getIssue']);
    expect(rerun.map((e) => [e.action, e.result, e.apiCalls])).toEqual([
      ['read-labels', 'applied', 1],
      ['labels', 'skipped', 0],
    ]);
  });

  it('skips everything when the issue turns out to be deleted', async () => {
    const forge = new FakeForge(null);
    const entries = await executeActions({ client: forge, ref, deliveryId: 'd1', now, verifyLabels: true }, [
      swap,
      comment,
    ]);
    expect(forge.calls).toEqual(['getIssue']);
    expect(entries.map((e) => e.result)).toEqual(['skipped']);
  });

  it('records a failure with its kind, keeps what was applied, and rethrows for the engine', async () => {
    const forge = new FakeForge([], {
      comment: new ForgeError('rejected', 'GitLab POST notes: 400 body is too long', 400),
    });
    const applied: AuditEntry[] = [];
    await expect(
      executeActions(
        { client: forge, ref, deliveryId: 'd1', now },
        [swap, comment, { type: 'close', reason: 'r' }],
        (e) => applied.push(e),
      ),
    ).rejects.toMatchObject({ kind: 'rejected' });
    expect(applied.map((e) => [e.action, e.result])).toEqual([
      ['labels', 'applied'],
      ['comment', 'failed'],
    ]);
    expect(applied[1]?.detail).toMatchObject({ kind: 'rejected', error: 'GitLab POST notes: 400 body is too long' });
    expect(forge.calls).not.toContain('state');
  });

  it('records a vanished issue met mid-way as skipped', async () => {
    const forge = new FakeForge([], { state: new ForgeError('not-found', 'gone', 404) });
    const applied: AuditEntry[] = [];
    await expect(
      executeActions({ client: forge, ref, deliveryId: null, now }, [{ type: 'close', reason: 'r' }], (e) =>
        applied.push(e),
      ),
    ).rejects.toThrow('gone');
    expect(applied[0]?.result).toBe('skipped');
  });

  it('records an action the client chose to skip, with its reason', async () => {
    const entries = await executeActions({ client: new FakeForge([]), ref, deliveryId: null, now }, [
      { type: 'board-status', stage: 'triage', reason: 'moved' },
    ]);
    expect(entries[0]).toMatchObject({ result: 'skipped', detail: { stage: 'triage', skipped: 'no board' } });
  });
});

describe('pendingLabels', () => {
  it('keeps only additions missing and removals present', () => {
    const action = { type: 'labels' as const, add: ['a', 'b'], remove: ['c', 'd'], reason: '' };
    expect(pendingLabels(action, new Set(['a', 'c']))).toEqual({ add: ['b'], remove: ['c'] });
  });
});

/** A forge that takes one delivery's actions in one request (like GitHub's GraphQL mutations). */
class BatchingForge extends FakeForge {
  readonly batches: Array<{ actions: readonly Action[]; hints: unknown }> = [];
  constructor(
    labels: string[] | null,
    private readonly batchError: Error | null = null,
  ) {
    super(labels);
  }
  async applyActions(_ref: IssueRef, actions: readonly Action[], hints?: unknown) {
    this.batches.push({ actions, hints });
    noteApiCall();
    if (this.batchError) throw this.batchError;
    return actions.map((action) => (action.type === 'board-status' ? { skipped: 'no option' } : {}));
  }
}

describe('executeActions with a batching client', () => {
  const board: Action = { type: 'board-status', stage: 'triage', reason: 'mirror' };

  it('sends the still-needed actions in one request, records each, with the calls on the first one sent', async () => {
    const forge = new BatchingForge(null);
    const alreadyTrue: Action = { type: 'labels', add: ['type::sow'], remove: [], reason: 'kind' };
    const entries = await executeActions(
      {
        client: forge,
        ref,
        deliveryId: 'd1',
        now,
        knownLabels: ['type::sow', 'stage::intake'],
        hints: { botCommentAbsent: true },
      },
      [alreadyTrue, swap, comment, board],
    );
    expect(forge.batches).toEqual([{ actions: [swap, comment, board], hints: { botCommentAbsent: true } }]);
    expect(forge.calls).toEqual([]);
    expect(entries.map((e) => [e.action, e.result, e.apiCalls])).toEqual([
      ['labels', 'skipped', 0],
      ['labels', 'applied', 1],
      ['comment', 'applied', 0],
      ['board-status', 'skipped', 0],
    ]);
  });

  it('sends only what is left of a label change', async () => {
    const forge = new BatchingForge(null);
    await executeActions(
      { client: forge, ref, deliveryId: 'd1', now, knownLabels: ['stage::triage', 'stage::intake'] },
      [swap],
    );
    expect(forge.batches[0]!.actions).toEqual([{ ...swap, add: [] }]);
  });

  it('records every action of a failed request as failed and throws for the engine to retry', async () => {
    const forge = new BatchingForge(null, new ForgeError('transient', 'GitHub graphql mutations: 502', 502));
    const applied: AuditEntry[] = [];
    await expect(
      executeActions({ client: forge, ref, deliveryId: 'd1', now }, [swap, comment], (e) => applied.push(e)),
    ).rejects.toThrow('502');
    expect(applied.map((e) => [e.action, e.result, e.apiCalls, (e.detail as { kind: string }).kind])).toEqual([
      ['labels', 'failed', 1, 'transient'],
      ['comment', 'failed', 0, 'transient'],
    ]);
  });
});
