import type { Effort, EffortReading } from '../domain/effort.js';
import type { Action, ForgeName, IssueEvent, IssueRef } from '../domain/types.js';
import type { Delivery } from '../store/store.js';

export type Headers = Record<string, string | string[] | undefined>;

/** What intake learns from a verified request before storing it. */
export type Classified =
  | {
      accept: Omit<Delivery, 'body' | 'receivedAt'>;
      /** Accept only if the store already knows this issue (a board event under a repository allow-list). */
      onlyForKnownIssue?: IssueRef;
    }
  /** A well-formed event the service does not act on (answered 200, not stored). */
  | { ignored: string }
  /** A handled event whose body does not have the forge's shape (answered 400). */
  | { invalid: string };

/** The webhook side of a forge: verify, classify at intake, normalise in the worker. */
export interface ForgeWebhooks {
  readonly forge: ForgeName;
  /** Constant-time check of the shared secret / HMAC signature over the raw body. */
  verify(headers: Headers, rawBody: Buffer): Promise<boolean>;
  /**
   * Cheap look at a verified, parsed payload: delivery id, event name, ordering key, or why it is ignored.
   * `rawBody` is the body as received, for a forge that derives a delivery id from it.
   */
  classify(headers: Headers, payload: unknown, rawBody?: string): Classified;
  /** Full normalisation of a stored delivery into the forge-neutral event. */
  normalize(delivery: Delivery): IssueEvent | { ignored: string };
}

/** The current state of an issue as the forge reports it now. */
export interface ForgeIssue {
  ref: IssueRef;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  author?: string;
  createdAt?: string;
  updatedAt?: string;
}

/** How many API requests a forge call made (for the audit and the calls-per-event benchmark). */
export interface CallResult {
  apiCalls: number;
  /** Set when the action could not apply and was left alone on purpose (e.g. no board option for a stage). */
  skipped?: string;
}

/** How one action of a batch went: applied, or left alone on purpose. */
export interface ActionOutcome {
  skipped?: string;
}

/** What the service's own records say about the issue, so a client can skip a look-up. */
export interface ActionHints {
  /**
   * The bot has not commented on this issue yet (the issue state records every comment it wrote, and
   * this is the delivery's first attempt): a comment can be created without searching for one.
   */
  botCommentAbsent?: boolean;
}

export interface LabelHistoryEntry {
  ref: IssueRef;
  /** The label added or removed; '' for `created` / `closed` / `reopened` / `assigned` / `unassigned`. */
  label: string;
  /**
   * `closed` / `reopened` (GitHub issue events, GitLab resource state events) let a backfill see
   * closes without a stage label; `created` (first of each issue) carries the issue's creation time.
   */
  action: 'add' | 'remove' | 'closed' | 'reopened' | 'created' | 'assigned' | 'unassigned' | 'effort';
  /** The issue's title, on its `created` entry. */
  title?: string;
  /** The login assigned or unassigned. */
  assignee?: string;
  /** On an `effort` entry: the time spent and estimated as of `at` (the forges keep no history of it). */
  effort?: Effort;
  /** Forge event time, ISO-8601. */
  at: string;
  actor: string;
}

/** Where a webhook is configured: GitLab project / group, GitHub repository / organisation / the App's own hook. */
export type HookScope = 'project' | 'group' | 'repository' | 'organization' | 'app';

/** A webhook that posts to this service, as catch-up reads it from the forge. */
export interface ForgeHook {
  scope: HookScope;
  /** GitLab project or group id, GitHub `owner/repo` or organisation; '' for the App's hook. */
  owner: string;
  /** The hook's id ('app' has one hook and no id: 0). */
  id: number;
  url: string;
  health: HookHealth;
}

/**
 * `ok`; `failing`: the forge still sends but its last delivery failed; `disabled`: the forge has
 * stopped sending (GitLab after repeated failures, temporarily or for good; GitHub `active: false`).
 */
export interface HookHealth {
  status: 'ok' | 'failing' | 'disabled';
  /** In the forge's words, e.g. `alert_status temporarily_disabled until 2026-12-03T14:00:00Z`, `last_response 502`. */
  detail: string;
}

/** One attempt in a hook's delivery log. */
export interface HookLogEntry {
  /** The log entry's id, which `redeliver` takes. */
  logId: number;
  /**
   * The ids the delivery carried, any of which the inbox may hold it under: GitHub's
   * `X-GitHub-Delivery` (a redelivery keeps it); GitLab's `X-Gitlab-Event-UUID` and `Idempotency-Key`.
   */
  deliveryIds: string[];
  event: string;
  /** When the forge attempted it, ISO-8601. */
  at: string;
  /** The HTTP status this service answered; null when it could not be reached. */
  status: number | null;
}

/** The API side of a forge. Every method is safe to repeat. */
export interface ForgeClient {
  readonly forge: ForgeName;
  getIssue(ref: IssueRef): Promise<ForgeIssue | null>;
  /** Add and remove labels, in one API call where the forge allows it. */
  applyLabels(ref: IssueRef, add: string[], remove: string[]): Promise<CallResult>;
  /** Create or update the bot comment found by its hidden marker. */
  upsertComment(ref: IssueRef, marker: string, body: string, hints?: ActionHints): Promise<CallResult>;
  /**
   * One delivery's actions together, in as few requests as the forge allows (GitHub: GraphQL
   * mutations in one request). Optional: without it the executor calls the methods above one by one.
   * Label actions arrive already reduced to what still has to change.
   */
  applyActions?(ref: IssueRef, actions: readonly Action[], hints?: ActionHints): Promise<ActionOutcome[]>;
  /** Mirror a stage onto the forge's board (GitHub Projects v2 Status). A no-op where labels are the board. */
  setBoardStatus(ref: IssueRef, stage: string): Promise<CallResult>;
  setIssueState(ref: IssueRef, state: 'open' | 'closed'): Promise<CallResult>;
  /**
   * The name of the board column the issue's card is in now (GitHub Projects v2 Status), or null
   * where labels are the board, or the issue has no card. Older `projects_v2_item` payloads do not
   * say what the Status was changed to; this reads it.
   */
  boardStatus(ref: IssueRef): Promise<string | null>;
  /**
   * The time spent and estimated the issue's board card holds (GitHub: the configured number fields,
   * in hours), read when one of them changed. Optional: absent where the forge tracks time itself.
   */
  boardEffort?(ref: IssueRef): Promise<EffortReading | null>;
  /**
   * Every label change (and creation, close / reopen) of a project's issues since a date, for
   * backfill. Contract: all entries of one issue come together, in event order (issues in any
   * order); backfill marks an issue done when the next issue starts.
   */
  listLabelHistory(project: string, since?: string): AsyncIterable<LabelHistoryEntry>;
  /**
   * The hooks of a project (GitLab) or repository (GitHub), with their health, for catch-up to find
   * its own by URL. Optional, as are the three below: a client without them is caught up by reconcile.
   */
  listHooks?(project: string): Promise<ForgeHook[]>;
  /** One configured hook with its health now. Throws a not-found ForgeError for a hook that is gone. */
  getHook?(scope: HookScope, owner: string, id: number): Promise<ForgeHook>;
  /**
   * The hook's delivery log from now back to `since`, newest first; the forge keeps it a few days
   * (GitHub 3, GitLab 7). Throws a ForgeError (not-found, auth) when the forge has no log for it
   * (an older GitLab, no permission), which hands catch-up over to reconcile.
   */
  hookLog?(hook: ForgeHook, since: string): AsyncIterable<HookLogEntry>;
  /** Ask the forge to send a logged delivery again, with the same delivery id (GitHub) / Idempotency-Key (GitLab). */
  redeliver?(hook: ForgeHook, entry: HookLogEntry): Promise<void>;
}

/** An issue the service filed (a report), and where people find it. */
export interface FiledIssue extends CallResult {
  ref: IssueRef;
  webUrl: string;
}

/**
 * What filing a report needs of a forge (src/reports): a new issue, replacing an issue's body, and
 * the bot's marked comments for what does not fit in the body. Both clients implement it beside
 * ForgeClient; it is a contract of its own so that a ForgeClient (a test's fake forge) need not file.
 */
export interface ForgeFiling extends Pick<ForgeClient, 'forge' | 'upsertComment'> {
  /** GitLab: `POST /projects/:id/issues`; GitHub: `POST /repos/:owner/:repo/issues`. Not idempotent: callers remember what they filed. */
  createIssue(project: string, issue: { title: string; body: string; labels: readonly string[] }): Promise<FiledIssue>;
  /** Replace the issue's body (description); title, labels and comments stay. */
  setIssueBody(ref: IssueRef, body: string): Promise<CallResult>;
}
