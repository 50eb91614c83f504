import { describe, expect, it } from 'vitest';
import { countApiCalls, noteApiCall } from '../../../src/forges/call-count.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('countApiCalls', () => {
  it('counts only the calls of its own work when other work runs concurrently', async () => {
    const work = (calls: number) => async () => {
      for (let i = 0; i < calls; i += 1) {
        await tick();
        noteApiCall();
      }
    };
    const [a, b] = await Promise.all([countApiCalls(work(3)), countApiCalls(work(5))]);
    expect([a.apiCalls, b.apiCalls]).toEqual([3, 5]);
  });

  it('adds nested counts to the enclosing count', async () => {
    const outer = await countApiCalls(async () => {
      noteApiCall();
      const inner = await countApiCalls(async () => {
        noteApiCall();
        noteApiCall();
      });
      return inner.apiCalls;
    });
    expect(outer).toEqual({ value: 2, apiCalls: 3 });
  });
});
