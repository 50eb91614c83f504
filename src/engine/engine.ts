/** What the service needs of the part that drains the inbox, wherever it runs. */
export interface Engine {
  start(): void;
  /** A delivery was just stored: claim now instead of at the next poll. */
  notify(): void;
  /** Stop claiming and let in-flight work finish; what outlasts the grace period keeps its lease until it expires. */
  stop(graceMs?: number): Promise<void>;
  readonly isRunning: boolean;
}
