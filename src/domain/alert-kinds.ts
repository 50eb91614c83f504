/**
 * What an outgoing alert is about. Threshold crossings come from the time-driven sweep
 * (src/policies); dead letters come from the worker.
 */
export const ALERT_KINDS = ['at-risk', 'breached', 'stale', 'suggest-lost', 'dead-letter'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
