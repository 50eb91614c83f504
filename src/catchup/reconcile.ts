import type { Config } from '../config/schema.js';
import { readPersonActivity, updateIssueMemory } from '../domain/issue-memory.js';
import type { Action, AuditEntry, IssueEvent, IssueState, Transition } from '../domain/types.js';
import { stateFromHistory } from '../engine/backfill-state.js';
import { backfillVocabulary, transitionsFromHistory } from '../engine/backfill-transitions.js';
import { executeActions } from '../actions/executor.js';
import type { ForgeClient, ForgeIssue, LabelHistoryEntry } from '../forges/forge.js';
import { toIsoTime } from '../forges/headers.js';
import { parseOverlay } from '../domain/overlay.js';
import { decide } from '../rules/index.js';
import { vocabularyFor, type Vocabulary } from '../rules/vocabulary.js';
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

const isBotLogin = (login: string, botUsers: ReadonlySet<string>) =>
  botUsers.has(login) || login.endsWith('[bot]') || /(^|_)bot(_|$)/.test(login);

/**
 * The issue as a webhook would describe it now: an edit carrying its current body and labels, by
 * the bot. The replay has recorded every person's move already, so no label on it is a move of
 * its own; the rules only bring labels, needs-info and the report comment in line.
 */
function currentEvent(issue: ForgeIssue, entries: readonly LabelHistoryEntry[]): IssueEvent {
  const last = entries.at(-1);
  return {
    deliveryId: RECONCILE_SOURCE,
    forge: issue.ref.forge,
    action: 'edited',
    issue: issue.ref,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    author: issue.author,
    actor: { login: RECONCILE_SOURCE, isBot: true },
    labelsBefore: issue.labels,
    labelsAfter: issue.labels,
    bodyChanged: true,
    occurredAt: toIsoTime(issue.updatedAt ?? last?.at, new Date().toISOString()),
    createdAt: issue.createdAt,
  };
}

/**
 * The stage label the rules would have written had the service been up: a close moves to the
 * closed stage, and the bot that would have swapped the labels was down.
 */
function stageLabelFix(state: IssueState, labels: readonly string[], vocab: Vocabulary): Action | null {
  if (state.stage === null) return null;
  const family = vocab.family(state.kind);
  const wanted = vocab.written(`${family.prefix}${state.stage}`);
  const others = labels.filter((label) => label !== wanted && vocab.stageOf(label, family) !== null);
  if (labels.includes(wanted) && others.length === 0) return null;
  return {
    type: 'labels',
    add: labels.includes(wanted) ? [] : [wanted],
    remove: others,
    reason: `catch-up: the stage is ${state.stage}`,
  };
}

/** The last person's change in the history is the issue's activity, as the webhooks would have kept it. */
function withActivity(
  state: IssueState,
  entries: readonly LabelHistoryEntry[],
  botUsers: ReadonlySet<string>,
): IssueState {
  const person = entries.filter((entry) => !isBotLogin(entry.actor, botUsers)).at(-1);
  if (!person) return state;
  const at = toIsoTime(person.at, '');
  const known = readPersonActivity(state.extra);
  return known !== null && known >= at
    ? state
    : { ...state, extra: updateIssueMemory(state.extra, { activity: { personAt: at } }) };
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
  const vocab = vocabularyFor(config);
  const botUsers = new Set(config.botUsers);
  const report: ReconcileReport = {
    forge: client.forge,
    project,
    since: options.since,
    issues: 0,
    recorded: 0,
    actions: 0,
  };

  const reconcileIssue = async (entries: LabelHistoryEntry[]) => {
    const ref = entries[0]!.ref;
    const prior = await store.getIssueState(ref);
    const transitions = transitionsFromHistory(entries, vocabulary, prior ?? undefined);
    const issue = await client.getIssue(ref);
    report.issues += 1;
    if (!issue) return;
    const start = prior ? replayedState(prior, issue, transitions) : stateFromHistory(entries, transitions);
    const decision = decide(currentEvent(issue, entries), start, config);
    const fix = stageLabelFix(decision.state, issue.labels, vocab);
    const actions = fix ? [fix, ...decision.actions] : decision.actions;
    report.actions += actions.length;
    if (options.dryRun) return;
    report.recorded += await store.recordTransitions([...transitions, ...decision.transitions]);
    const audit: AuditEntry[] = [];
    await executeActions(
      { client: options.actor, ref: issue.ref, deliveryId: RECONCILE_SOURCE, now, knownLabels: issue.labels },
      actions,
      (entry) => audit.push(entry),
    );
    await store.recordAudit(audit);
    await store.putIssueState(withActivity(decision.state, entries, botUsers));
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
