import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LabelHistoryEntry } from '../../../src/forges/forge.js';
import { concurrentHistories } from '../../../src/forges/history-pool.js';

const entry = (iid: number, n: number): LabelHistoryEntry => ({
  ref: { forge: 'gitlab', project: '42', iid },
  label: `l${n}`,
  action: 'add',
  at: `2026-01-0${n + 1}T00:00:00Z`,
  actor: 'ie',
});

async function* listed(iids: number[]) {
  yield* iids;
}

async function collect(source: AsyncIterable<LabelHistoryEntry>): Promise<LabelHistoryEntry[]> {
  const out: LabelHistoryEntry[] = [];
  for await (const item of source) out.push(item);
  return out;
}

describe('concurrentHistories', () => {
  it('keeps each issue’s entries together and in order, never exceeds the bound, and loses no issue', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ entries: fc.integer({ min: 0, max: 4 }), delay: fc.integer({ min: 0, max: 5 }) }), {
          maxLength: 25,
        }),
        fc.integer({ min: 1, max: 6 }),
        async (issues, concurrency) => {
          let inFlight = 0;
          let most = 0;
          const history = async (iid: number) => {
            inFlight += 1;
            most = Math.max(most, inFlight);
            await new Promise((resolve) => setTimeout(resolve, issues[iid]!.delay));
            inFlight -= 1;
            return Array.from({ length: issues[iid]!.entries }, (_, n) => entry(iid, n));
          };
          const out = await collect(concurrentHistories(listed(issues.map((_, iid) => iid)), concurrency, history));
          expect(most).toBeLessThanOrEqual(concurrency);
          const runs = out.map((e) => e.ref.iid).filter((iid, i, all) => i === 0 || all[i - 1] !== iid);
          expect(new Set(runs).size).toBe(runs.length);
          for (const [iid, issue] of issues.entries()) {
            expect(out.filter((e) => e.ref.iid === iid).map((e) => e.label)).toEqual(
              Array.from({ length: issue.entries }, (_, n) => `l${n}`),
            );
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('ends the listing with the first failure', async () => {
    const history = async (iid: number) => {
      if (iid === 2) throw new Error('socket hang up');
      return [entry(iid, 0)];
    };
    await expect(collect(concurrentHistories(listed([1, 2, 3]), 2, history))).rejects.toThrow('socket hang up');
  });
});
