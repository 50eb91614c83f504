import type { PolicyAction, PolicyCondition } from '../config/policies.js';
import type { Alert } from '../alerts/alert.js';
import type { IssueRef } from '../domain/types.js';
import type { IssueDuration } from '../metrics/durations/issue-metrics.js';

/** One policy, resolved from the shipped defaults and the config. */
export interface Policy {
  name: string;
  when: PolicyCondition;
  actions: PolicyAction[];
  resolve: PolicyAction[];
}

/** What the policies know about one issue at the time of a sweep. Built from the store only. */
export interface PolicyFacts {
  ref: IssueRef;
  title: string | null;
  url?: string;
  open: boolean;
  stage: string | null;
  kind: string | null;
  labels: readonly string[];
  /** Calendar time since a person last changed the issue. */
  idleMs: number;
  /** Each duration definition's value for this issue (absent: not started), in the durations' measure. */
  durations: ReadonlyMap<string, IssueDuration>;
  /** Logins to mention; empty when the issue state does not know them. */
  assignees: readonly string[];
  /** A go-live forecast sentence for the comments, when one is available. */
  forecast: string | null;
}

/** Per issue: which policies have acted in their current episode, and when. Kept by the store between sweeps. */
export interface PolicyMemory {
  fired: Record<string, string>;
}

export const EMPTY_MEMORY: PolicyMemory = { fired: {} };

/** A change a policy asks for, before it is handed to the executor (labels, comment) or the alerter. */
export type PolicyStep = { policy: string } & (
  | { type: 'labels'; add: string[]; remove: string[] }
  | { type: 'comment'; marker: string; body: string }
  | { type: 'alert'; alert: Alert }
);

export interface Evaluation {
  steps: PolicyStep[];
  memory: PolicyMemory;
  /** The memory differs from the one given (it must be stored). */
  memoryChanged: boolean;
  /**
   * Some step's text shows `{forecast}`. A forecast costs a simulation, so a caller may evaluate
   * without one first and, only when this is true, again with it: the steps are the same but for the text.
   */
  showsForecast: boolean;
}
