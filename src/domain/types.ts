/**
 * Forge-neutral domain types. Everything outside src/forges speaks these shapes;
 * no GitLab or GitHub payload type leaks past normalisation.
 */

export type ForgeName = 'gitlab' | 'github';

/** Identifies one issue on one forge. `project` is GitLab's numeric project id or GitHub's `owner/repo`. */
export interface IssueRef {
  forge: ForgeName;
  project: string;
  /** GitLab iid / GitHub issue number. 0 when only the node id is known (GitHub Projects v2 item events). */
  iid: number;
  /** GitHub GraphQL node id of the issue (the Projects v2 item's content). */
  nodeId?: string;
}

/** The key that orders one issue's events; equal for every event of the same issue. */
export type OrderingKey = string;

export interface Actor {
  login: string;
  isBot: boolean;
}

export type IssueAction =
  | 'opened'
  | 'edited'
  | 'labeled'
  | 'unlabeled'
  | 'closed'
  | 'reopened'
  | 'deleted'
  | 'transferred'
  | 'updated'
  | 'assigned'
  | 'unassigned'
  | 'board_status_changed'
  /** A comment on the issue was written or edited: activity, never a change of the issue itself. */
  | 'commented';

/** A change of the Projects v2 single-select Status field (GitHub `projects_v2_item` edited). */
export interface BoardStatusChange {
  projectNodeId: string;
  itemNodeId: string;
  fieldNodeId?: string;
  from: string | null;
  to: string | null;
}

/** One webhook delivery about an issue, normalised. */
export interface IssueEvent {
  deliveryId: string;
  forge: ForgeName;
  action: IssueAction;
  issue: IssueRef;
  /** Forge's global id of the issue (GitLab `id`, GitHub `id`). */
  globalId?: number;
  url?: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  author?: string;
  actor: Actor;
  /** Labels before this event, when the payload says (GitLab `changes.labels.previous`, GitHub derived from the label added/removed). */
  labelsBefore: string[];
  /** Labels after this event. */
  labelsAfter: string[];
  /** Did the body or title change in this event? */
  bodyChanged: boolean;
  /** The forge's time of the event (ISO-8601, UTC), not our processing time. */
  occurredAt: string;
  createdAt?: string;
  boardStatus?: BoardStatusChange;
  /** Assignees' logins after this event, when the payload says. */
  assignees?: string[];
  /** The comment written or edited, on `commented`. */
  comment?: { body: string };
}

/** What a rule wants done. Rules return these; they never call out. */
export type Action =
  | { type: 'labels'; add: string[]; remove: string[]; reason: string }
  | { type: 'comment'; marker: string; body: string; reason: string }
  | { type: 'board-status'; stage: string; reason: string }
  | { type: 'close'; reason: string }
  | { type: 'reopen'; reason: string };

/** One recorded stage change. Keyed by (issue, to, at, from) so duplicates collapse. */
export interface Transition {
  forge: ForgeName;
  project: string;
  iid: number;
  from: string | null;
  /**
   * The stage entered. Overlay labels that durations need (paused `status::blocked`, `outcome::lost`:
   * see `trackedLabels` in src/domain/overlay.ts) are recorded here too as `+label` / `-label`
   * with `from` null (build them with `overlayTo`).
   */
  to: string;
  /** Forge event time, ISO-8601 UTC. */
  at: string;
  actor: string;
  /** 'webhook' | 'backfill' | 'rule' */
  source: string;
  /** Issue kind when known (e.g. 'sow-request'), for metrics filters. */
  kind?: string | null;
  segment?: string | null;
}

/** What the service remembers about an issue between events. */
export interface IssueState {
  ref: IssueRef;
  kind: string | null;
  stage: string | null;
  /** Stage to return to when leaving on-hold. */
  stageBeforeHold: string | null;
  /** Stage to return to on reopen. */
  stageBeforeClose: string | null;
  labels: string[];
  /** Hash of the last bot comment written, so an unchanged comment is not rewritten. */
  commentDigest: string | null;
  segment: string | null;
  title: string;
  createdAt: string | null;
  closedAt: string | null;
  updatedAt: string;
  /** Current assignees' logins; absent on states stored before assignees were recorded. */
  assignees?: string[];
  /** The issue's memory (rules, activity, fields, web address, backfilled): read and written only through domain/issue-memory.ts. */
  extra: Record<string, unknown>;
}

export interface AuditEntry {
  at: string;
  deliveryId: string | null;
  forge: ForgeName;
  project: string;
  iid: number;
  action: string;
  detail: unknown;
  /** 'planned' (dry-run), 'applied', 'skipped', 'failed' */
  result: string;
  apiCalls: number;
  latencyMs: number;
}

export function issueKey(ref: Pick<IssueRef, 'forge' | 'project' | 'iid'>): string {
  return `${ref.forge}:${ref.project}#${ref.iid}`;
}
