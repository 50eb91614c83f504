import type { Config } from '../config/schema.js';
import type { Store } from '../store/store.js';
import type { MetricsAnswer, MetricsQuery } from './answer.js';
import { ReportEngine, type Answered, type Built, type ReportBackend } from './report-engine.js';
import { metricsSettings } from './settings.js';

export interface MetricsReportsOptions {
  now: () => Date;
  onRefreshError: (error: unknown) => void;
}

/** Answers kept per build: distinct filter combinations in use at once. */
const CAPACITY = 256;

/**
 * The answers behind /metrics and /dashboard, one per query and table build, shared by both.
 *
 * Each request first has the backend take in what the store recorded since the previous request
 * (Store.changesSince: a read of nothing when nothing changed), so a new transition or issue state
 * shows in the next answer and empties the cache. Open durations are measured up to the build's
 * instant, which moves on once it is more than `durations.cacheSeconds` old: recomputing every
 * issue then runs behind the current answers, which are served meanwhile (0: every request
 * recomputes as of its own time and waits for it). Requests that arrive while a refresh runs are
 * answered from the build before it.
 */
export class MetricsReports {
  private built: Built | null = null;
  private refreshing: Promise<Built> | null = null;
  private readonly answers = new Map<string, Promise<Answered>>();
  private readonly maxAgeMs: number;

  constructor(
    private readonly backend: ReportBackend,
    config: Pick<Config, 'durations'>,
    private readonly options: MetricsReportsOptions,
  ) {
    this.maxAgeMs = config.durations.cacheSeconds * 1000;
  }

  async answer(query: MetricsQuery): Promise<MetricsAnswer> {
    const built = await this.current();
    const key = `${built.version} ${JSON.stringify(query)}`;
    let answered = this.answers.get(key);
    if (!answered) {
      answered = this.backend.answer(query);
      this.answers.set(key, answered);
      // An answer from a newer build than the key says, or none, must not be served from the cache.
      answered.then(
        (result) => result.version !== built.version && this.answers.delete(key),
        () => this.answers.delete(key),
      );
      if (this.answers.size > CAPACITY) this.answers.delete(this.answers.keys().next().value!);
    }
    return (await answered).answer;
  }

  close(): Promise<void> {
    return this.backend.close();
  }

  private async current(): Promise<Built> {
    const nowMs = this.options.now().getTime();
    const built = this.built;
    if (built && this.refreshing) return built;
    const stale = !built || nowMs - built.asOfMs > this.maxAgeMs;
    if (built && stale && this.maxAgeMs > 0) {
      this.refresh(nowMs).catch(this.options.onRefreshError);
      return built;
    }
    try {
      return await this.refresh(stale ? nowMs : built!.asOfMs);
    } catch (error) {
      if (!this.built) throw error;
      this.options.onRefreshError(error);
      return this.built;
    }
  }

  private refresh(asOfMs: number): Promise<Built> {
    this.refreshing ??= this.backend
      .refresh(asOfMs)
      .then((built) => {
        if (built.version !== this.built?.version) this.answers.clear();
        this.built = built;
        return built;
      })
      .finally(() => (this.refreshing = null));
    return this.refreshing;
  }
}

/** Reports computed on this thread from `store` (tests, in-memory stores). */
export function inProcessReports(store: Pick<Store, 'changesSince'>, config: Pick<Config, 'durations' | 'preset'>, options: MetricsReportsOptions): MetricsReports {
  return new MetricsReports(new ReportEngine(store, metricsSettings(config)), config, options);
}
