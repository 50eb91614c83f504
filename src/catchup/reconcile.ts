import type { Config } from '../config/schema.js';
import type { AuditEntry, IssueEvent, IssueState, Transition } from '../domain/types.js';
import { stateFromHistory } from '../engine/backfill-state.js';
import { backfillVocabulary, transitionsFromHistory } from '../engine/backfill-transitions.js';
import { executeActions } from '../engine/executor.js';
import type { ForgeClient, ForgeIssue, LabelHistoryEntry } from '../forges/forge.js';
import { toIsoTime } from '../forges/headers.js';
import { parseOverlay } from '../metrics/overlay.js';
import { decide } from '../rules/index.js';
import type { Store } from '../store/store.js';
import type { ReconcileReport } from './report.js';

/** The audit's delivery id for what reconcile did. */
export const RECONCILE_SOURCE = 'reconcile';

export interface ReconcileOptions {
  config: Config;
  /** Reads the forge (history, current issues). */
  client: Pick<ForgeClient, 'forge' | 'listLabelHistory' | 'getIssue'>;
  /** Carries out the rules' actions; null: that forge is in dry-run (audited as planned). */
  actor: ForgeClient | null;
  store: Pick<Store, 'getIssueState' | 'putIssueState' | 'recordTransitions' | 'recordAudit'>;
  project: string;
  since: string;
  /** Read and report only: nothing stored, nothing sent. */
  dryRun: boolean;
  now?: () => Date;
  onIssue?: (report: Readonly<ReconcileReport>) => void;
}

const isBotLogin = (login: string, botUsers: ReadonlySet<string>) => botUsers.has(login) || login.endsWith('[bot]') || /(^|_)bot(_|$)/.test(login);

/**
 * The issue as a webhook would describe it now (an edit carrying its current body and labels),
 * attributed to the last person in its history, so the rules see the state the board is in.
 */
function currentEvent(issue: ForgeIssue, entries: readonly LabelHistoryEntry[], botUsers: ReadonlySet<string>): IssueEvent {
  const people = entries.filter((entry) => !isBotLogin(entry.actor, botUsers));
  const last = people.at(-1) ?? entries.at(-1);
  const login = last?.actor ?? 'unknown';
  return {
    deliveryId: RECONCILE_SOURCE,
    forge: issue.ref.forge,
    action: 'edited',
    issue: issue.ref,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    author: issue.author,
    actor: { login, isBot: isBotLogin(login, botUsers) },
    labelsBefore: issue.labels,
    labelsAfter: issue.labels,
    bodyChanged: true,
    occurredAt: toIsoTime(issue.updatedAt ?? last?.at, new Date().toISOString()),
    createdAt: issue.createdAt,
  };
}

/** What the store knew, moved on by the replayed history: stage, closes, and the forge's labels now. */
function replayedState(prior: IssueState, issue: ForgeIssue, transitions: readonly Transition[]): IssueState {
  const stages = transitions.filter((transition) => parseOverlay(transition.to) === null);
  const lastStage = stages.at(-1);
  return {
    ...prior,
    stage: lastStage?.to ?? prior.stage,
    kind: transitions.at(-1)?.kind ?? prior.kind,
    segment: transitions.at(-1)?.segment ?? prior.segment,
    labels: issue.labels,
  };
}

/**
 * Catches a project up from the forge itself, for what no delivery log holds (a long outage, an
 * older GitLab, a hook that was disabled and sent nothing): the issues updated since `since`, their
 * label and state histories as backfill reads them, replayed from what the store knew of each
 * issue (so transitions are recorded at the forge's event times, once: the store dedupes them
 * against what webhooks recorded), then the rules on each issue's current state so labels,
 * needs-info and the report comment converge too.
 */
export async function reconcileFromForge(options: ReconcileOptions): Promise<ReconcileReport> {
  const { client, store, config, project } = options;
  const now = options.now ?? (() => new Date());
  const vocabulary = backfillVocabulary(config);
  const botUsers = new Set(config.botUsers);
  const report: ReconcileReport = { forge: client.forge, project, since: options.since, issues: 0, recorded: 0, actions: 0 };

  const reconcileIssue = async (entries: LabelHistoryEntry[]) => {
    const ref = entries[0]!.ref;
    const prior = await store.getIssueState(ref);
    const transitions = transitionsFromHistory(entries, vocabulary, prior ?? undefined);
    const issue = await client.getIssue(ref);
    report.issues += 1;
    if (!issue) return;
    const start = prior ? replayedState(prior, issue, transitions) : stateFromHistory(entries, transitions);
    const decision = decide(currentEvent(issue, entries, botUsers), start, config);
    report.actions += decision.actions.length;
    if (options.dryRun) return;
    report.recorded += await store.recordTransitions([...transitions, ...decision.transitions]);
    const audit: AuditEntry[] = [];
    await executeActions(
      { client: options.actor, ref: issue.ref, deliveryId: RECONCILE_SOURCE, now, knownLabels: issue.labels },
      decision.actions,
      (entry) => audit.push(entry),
    );
    await store.recordAudit(audit);
    await store.putIssueState(decision.state);
  };

  let issue: LabelHistoryEntry[] = [];
  for await (const entry of client.listLabelHistory(project, options.since)) {
    if (issue.length > 0 && issue[0]!.ref.iid !== entry.ref.iid) {
      await reconcileIssue(issue);
      options.onIssue?.(report);
      issue = [];
    }
    issue.push(entry);
  }
  if (issue.length > 0) await reconcileIssue(issue);
  return report;
}
