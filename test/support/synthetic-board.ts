import type { Transition } from '../../src/domain/types.js';
import { overlayTo } from '../../src/domain/overlay.js';
import type { Store } from '../../src/store/store.js';

/**
 * A large, deterministic board history for benchmarks and load-shaped tests: engagements walking
 * the board's stages with about 10 transitions each, sometimes blocked on the way.
 */

const DAY = 86_400_000;
const T0 = Date.parse('2025-01-01T00:00:00Z');
const PATH = [
  'intake',
  'triage',
  'discovery',
  'estimate',
  'sow-drafting',
  'sow-signed',
  'kickoff',
  'deployment',
  'production-live',
  'closed',
];

/** Deterministic PRNG (mulberry32) so every run produces the same data. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Engagements, one array of transitions each, until at least `transitionCount` transitions. */
export function* syntheticEngagements(transitionCount: number): Generator<Transition[]> {
  const random = prng(transitionCount);
  let produced = 0;
  for (let iid = 1; produced < transitionCount; iid++) {
    const kind = random() < 0.5 ? 'implementation' : 'sow-request';
    const segment = ['smb', 'mm', 'enterprise', 'strategic'][Math.floor(random() * 4)]!;
    let at = T0 + random() * 540 * DAY;
    let from: string | null = null;
    const issue: Transition[] = [];
    const record = (to: string) => {
      issue.push({
        forge: 'gitlab',
        project: '1',
        iid,
        from,
        to,
        at: new Date(at).toISOString(),
        actor: 'ie',
        source: 'webhook',
        kind,
        segment,
      });
      if (!to.startsWith('+') && !to.startsWith('-')) from = to;
    };
    // 8–10 stage moves, sometimes a pause, so about 10 transitions per issue.
    for (const stage of PATH.slice(0, 8 + Math.floor(random() * 3))) {
      at += random() * 6 * DAY;
      if (stage === 'deployment' && random() < 0.3) {
        record(overlayTo('status::blocked', true));
        at += random() * 4 * DAY;
        record(overlayTo('status::blocked', false));
      }
      record(stage);
    }
    produced += issue.length;
    yield issue;
  }
}

/** Records about `transitionCount` synthetic transitions in batches; returns how many were stored. */
export async function fillSyntheticBoard(
  store: Pick<Store, 'recordTransitions'>,
  transitionCount: number,
): Promise<number> {
  let batch: Transition[] = [];
  let total = 0;
  for (const issue of syntheticEngagements(transitionCount)) {
    batch.push(...issue);
    if (batch.length >= 20_000) {
      total += await store.recordTransitions(batch);
      batch = [];
    }
  }
  return total + (await store.recordTransitions(batch));
}
