/**
 * Keeps the result of an expensive load (here: reading every transition and computing every
 * issue's metrics) for `maxAgeMs`. When it is older, the current value is still served while a
 * fresh one loads (stale-while-revalidate), so only the very first request waits for the load.
 * `maxAgeMs` 0 loads on every call.
 */
export class Snapshot<T> {
  private current: { value: T; loadedAtMs: number } | null = null;
  private loading: Promise<T> | null = null;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly maxAgeMs: number,
    private readonly clockMs: () => number,
    private readonly onRefreshError: (error: unknown) => void,
  ) {}

  async get(): Promise<T> {
    const current = this.current;
    if (!current || this.maxAgeMs === 0) return this.refresh();
    if (this.clockMs() - current.loadedAtMs > this.maxAgeMs) this.refresh().catch(this.onRefreshError);
    return current.value;
  }

  private refresh(): Promise<T> {
    this.loading ??= (async () => {
      try {
        const startedMs = this.clockMs();
        const value = await this.load();
        this.current = { value, loadedAtMs: startedMs };
        return value;
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }
}
