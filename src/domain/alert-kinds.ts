/**
 * What an outgoing alert is about. Threshold crossings come from the time-driven sweep
 * (src/policies); dead letters come from the worker; a forge's hook disabled (and recovered) or
 * silent comes from catch-up (src/catchup).
 */
export const ALERT_KINDS = [
  'at-risk',
  'breached',
  'stale',
  'suggest-lost',
  'dead-letter',
  'webhook-disabled',
  'webhook-silent',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
