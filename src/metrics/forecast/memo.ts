import type { EngagementForecast } from './engagement.js';

/**
 * The forecasts of the last table build, for the next build to reuse where nothing they depend
 * on changed: the same pool of comparable engagements (its fingerprint: every observation in it,
 * running ones censored at the instant) and the same path of the engagement at the same instant.
 * A refresh as of the same instant after a few transitions simulates again only the engagements
 * whose own path or whose comparables changed; a new instant moves every running observation,
 * so it simulates them all. Only what the latest build used is kept.
 */
export class ForecastMemo {
  private previous = new Map<string, Map<string, EngagementForecast>>();
  private current = new Map<string, Map<string, EngagementForecast>>();
  /** Of the latest build: forecasts simulated, and reused from the one before. */
  simulated = 0;
  reused = 0;

  /** The forecast of `engagement` on the pool `pool`, from the last build when it made one, else `simulate()`. */
  recall(pool: string, engagement: string, simulate: () => EngagementForecast): EngagementForecast {
    let forecasts = this.current.get(pool);
    if (!forecasts) this.current.set(pool, (forecasts = new Map()));
    let forecast = this.previous.get(pool)?.get(engagement);
    if (forecast) this.reused++;
    else {
      forecast = simulate();
      this.simulated++;
    }
    forecasts.set(engagement, forecast);
    return forecast;
  }

  /** Ends a build: the next one reuses what this one made. */
  settle(): void {
    this.previous = this.current;
    this.current = new Map();
  }

  /** Starts a build's counts. */
  begin(): void {
    this.simulated = this.reused = 0;
  }
}
