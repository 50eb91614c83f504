import type { Store } from '../store/store.js';
import { issueFacts } from './facts.js';
import type { IssueFacts } from './issue-metrics.js';

/**
 * Reads the store into per-issue timelines and keeps them for `maxAgeMs`: parsing every
 * transition is the expensive part of /metrics, the maths per request is cheap. When the
 * snapshot is older, the current one is still served while a fresh one loads
 * (stale-while-revalidate), so only the very first request waits for the store.
 */
export class MetricsSource {
  private snapshot: { facts: IssueFacts[]; loadedAtMs: number } | null = null;
  private loading: Promise<IssueFacts[]> | null = null;

  constructor(
    private readonly store: Pick<Store, 'transitions' | 'issueStates'>,
    private readonly maxAgeMs: number,
    private readonly clockMs: () => number,
    private readonly onRefreshError: (error: unknown) => void,
  ) {}

  async facts(): Promise<IssueFacts[]> {
    const snapshot = this.snapshot;
    if (!snapshot) return this.load();
    if (this.clockMs() - snapshot.loadedAtMs > this.maxAgeMs || this.maxAgeMs === 0) {
      if (this.maxAgeMs === 0) return this.load();
      this.load().catch(this.onRefreshError);
    }
    return snapshot.facts;
  }

  private load(): Promise<IssueFacts[]> {
    this.loading ??= (async () => {
      try {
        const startedMs = this.clockMs();
        const [transitions, states] = await Promise.all([this.store.transitions({}), this.store.issueStates({})]);
        const facts = issueFacts(transitions, states);
        this.snapshot = { facts, loadedAtMs: startedMs };
        return facts;
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }
}
