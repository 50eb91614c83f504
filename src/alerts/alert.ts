import type { AlertKind } from '../domain/alert-kinds.js';
import type { IssueRef } from '../domain/types.js';

export interface Alert {
  kind: AlertKind;
  /** When the crossing (or the dead letter) happened, ISO-8601 UTC. */
  at: string;
  /** The issue concerned; absent for alerts about the service itself. */
  issue?: IssueRef & { url?: string; title?: string };
  /** One human sentence, e.g. "Implementation at day 22 of 30, not live". */
  summary: string;
  /** Machine-readable facts for the JSON receiver (elapsed days, policy name, delivery id…). */
  details?: Record<string, unknown>;
}

/** The seam the sweep and the worker send alerts through; implementations live in src/alerts. */
export interface Alerter {
  /** Never throws: delivery failures are retried, then recorded in the audit and logged. */
  send(alert: Alert): Promise<void>;
}

/** The alerter when no alert receiver is configured. */
export const noAlerts: Alerter = { send: async () => {} };
