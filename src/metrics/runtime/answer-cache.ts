import type { Config } from '../../config/schema.js';
import type { Store } from '../../store/store.js';
import type { MetricsAnswer, MetricsQuery } from './answer.js';
import { LocalMetrics, type Answered, type Built, type MetricsBackend } from './local-metrics.js';
import { metricsSettings } from '../durations/settings.js';

export interface MetricsAnswersOptions {
  now: () => Date;
  onRefreshError: (error: unknown) => void;
}

/** Answers kept per build: distinct filter combinations in use at once. */
const CAPACITY = 256;
/**
 * How long a request waits for the table to take in new changes (or to move its instant on) before
 * it is answered from the previous build; the refresh completes behind it.
 */
const REFRESH_WAIT_MS = 25;

/**
 * The answers behind /metrics and /dashboard, one per query and table build, shared by both.
 *
 * Each request first has the backend take in what the store recorded since the previous refresh
 * (Store.changesSince: a read of nothing when nothing changed); a new transition or issue state
 * makes a new build, which empties the cache. Open durations are measured up to the build's
 * instant, which moves on once it is more than `durations.cacheSeconds` old (0: every request
 * recomputes as of its own time and waits for it). A request waits up to REFRESH_WAIT_MS for the
 * refresh, then is answered from the previous build while the refresh completes behind it, as are
 * requests that arrive while one runs: a large change or a new instant never holds up answers.
 */
export class MetricsAnswers {
  private built: Built | null = null;
  private refreshing: Promise<Built> | null = null;
  private readonly answers = new Map<string, Promise<Answered>>();
  private readonly maxAgeMs: number;

  constructor(
    private readonly backend: MetricsBackend,
    config: Pick<Config, 'durations'>,
    private readonly options: MetricsAnswersOptions,
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

  /** Builds the table now, so the first request does not wait for the whole build. */
  warmUp(): void {
    this.current().catch(this.options.onRefreshError);
  }

  close(): Promise<void> {
    return this.backend.close();
  }

  private async current(): Promise<Built> {
    const built = this.built;
    if (built && this.refreshing) return built;
    const nowMs = this.options.now().getTime();
    const stale = !built || nowMs - built.asOfMs > this.maxAgeMs;
    const refresh = this.refresh(stale ? nowMs : built!.asOfMs);
    if (!built) return refresh;
    const fallback = (error: unknown) => {
      this.options.onRefreshError(error);
      return built;
    };
    if (this.maxAgeMs === 0) return refresh.catch(fallback);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(built), REFRESH_WAIT_MS);
      refresh.catch(fallback).then((latest) => {
        clearTimeout(timer);
        resolve(latest);
      });
    });
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
export function inProcessAnswers(
  store: Pick<Store, 'changesSince'>,
  config: Pick<Config, 'durations' | 'preset' | 'forecast'>,
  options: MetricsAnswersOptions,
): MetricsAnswers {
  return new MetricsAnswers(new LocalMetrics(store, metricsSettings(config)), config, options);
}
