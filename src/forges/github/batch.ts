import type { Octokit } from '@octokit/rest';
import type { Action } from '../../domain/types.js';
import type { IdCache } from '../comment-cache.js';
import type { ForgeError } from '../errors.js';
import type { ActionOutcome } from '../forge.js';
import type { LabelIds } from './label-ids.js';
import { sendMutations, type Mutation } from './mutations.js';
import { addedItemId, addItemMutation, sameStatusName, setStatusMutation, type ProjectBoard } from './projects.js';

/** What one delivery's batch needs to know about the issue and the client's caches. */
export interface BatchTarget {
  octokit: Octokit;
  owner: string;
  repo: string;
  issueId: string;
  board: ProjectBoard | null;
  labels: LabelIds;
  /** The bot comment's node id, by `<issue>|<marker>`. */
  comments: IdCache<string>;
  issueKey: string;
  /** The issue has no bot comment yet (the caller's records say so): create it without looking. */
  commentAbsent: boolean;
  /** The bot comment's node id, found by reading the issue's comments; null when there is none. */
  findComment(marker: string): Promise<string | null>;
  /** Labels the repository does not have yet: REST creates them as it adds them (GraphQL cannot). */
  addNewLabels(names: string[]): Promise<void>;
}

interface Step {
  mutation: Mutation;
  /** Runs with the payload once the request is answered (even when another mutation in it failed). */
  onAnswer?: (payload: Record<string, unknown>) => Step[];
}

function commentStep(target: BatchTarget, key: string, known: string | null, body: string): Step {
  if (known)
    return { mutation: { field: 'updateIssueComment', input: { id: known, body }, selection: 'issueComment { id }' } };
  return {
    mutation: {
      field: 'addComment',
      input: { subjectId: target.issueId, body },
      selection: 'commentEdge { node { id } }',
    },
    onAnswer: (payload) => {
      const id = (payload.commentEdge as { node?: { id?: string } } | undefined)?.node?.id;
      if (id) target.comments.set(key, id);
      return [];
    },
  };
}

async function boardSteps(target: BatchTarget, stage: string, outcome: ActionOutcome): Promise<Step[]> {
  const { board, octokit, issueId } = target;
  if (!board) {
    outcome.skipped = 'no github.project configured';
    return [];
  }
  const meta = await board.describe(octokit);
  const { owner, number, statusField } = board.project;
  if (!meta) {
    outcome.skipped = `project ${owner}#${number} or its "${statusField}" field not found`;
    return [];
  }
  const option = meta.options.find((candidate) => sameStatusName(candidate.name, stage));
  if (!option) {
    outcome.skipped = `"${statusField}" has no option for stage "${stage}" (run boardkeeper setup)`;
    return [];
  }
  const itemId = board.items.get(issueId);
  if (itemId) return [{ mutation: setStatusMutation(meta, itemId, option.id) }];
  // The card's id comes back from adding it; its Status can only be set in a second request.
  return [
    {
      mutation: addItemMutation(meta, issueId),
      onAnswer: (payload) => {
        const added = addedItemId(payload);
        if (!added) return [];
        board.items.set(issueId, added);
        return [{ mutation: setStatusMutation(meta, added, option.id) }];
      },
    },
  ];
}

async function stepsFor(target: BatchTarget, action: Action, outcome: ActionOutcome): Promise<Step[]> {
  const { octokit, owner, repo, issueId } = target;
  switch (action.type) {
    case 'labels': {
      const steps: Step[] = [];
      if (action.add.length > 0) {
        const { ids, missing } = await target.labels.resolve(octokit, owner, repo, action.add);
        if (missing.length > 0) await target.addNewLabels(missing);
        if (ids.length > 0)
          steps.push({
            mutation: {
              field: 'addLabelsToLabelable',
              input: { labelableId: issueId, labelIds: ids },
              selection: 'clientMutationId',
            },
          });
      }
      const removeIds = action.remove.length > 0 ? await target.labels.known(octokit, owner, repo, action.remove) : [];
      if (removeIds.length > 0) {
        steps.push({
          mutation: {
            field: 'removeLabelsFromLabelable',
            input: { labelableId: issueId, labelIds: removeIds },
            selection: 'clientMutationId',
          },
        });
      }
      return steps;
    }
    case 'comment': {
      const key = `${target.issueKey}|${action.marker}`;
      const known = target.comments.get(key) ?? (target.commentAbsent ? null : await target.findComment(action.marker));
      return [commentStep(target, key, known, action.body)];
    }
    case 'board-status':
      return boardSteps(target, action.stage, outcome);
    case 'close':
      return [{ mutation: { field: 'closeIssue', input: { issueId }, selection: 'issue { id }' } }];
    case 'reopen':
      return [{ mutation: { field: 'reopenIssue', input: { issueId }, selection: 'issue { id }' } }];
  }
}

export interface BatchFailure {
  error: ForgeError;
  /** The GraphQL error type, e.g. NOT_FOUND (a cached id may be stale). */
  type: string | null;
  /** The mutation that failed, when GitHub says which. */
  field: Mutation['field'] | null;
}

/**
 * One delivery's actions as GraphQL mutations: all of them in one request, plus a second one only
 * when an issue's card has to be added before its Status can be set. Throws the first failure after
 * keeping what did apply (a created comment's id), so a retry converges instead of repeating it.
 */
export async function applyInBatch(
  target: BatchTarget,
  actions: readonly Action[],
): Promise<ActionOutcome[] | BatchFailure> {
  const outcomes: ActionOutcome[] = actions.map(() => ({}));
  let steps: Step[] = [];
  for (const [index, action] of actions.entries()) steps.push(...(await stepsFor(target, action, outcomes[index]!)));
  while (steps.length > 0) {
    const { payloads, error, errorType, failedIndex } = await sendMutations(
      target.octokit,
      steps.map((step) => step.mutation),
    );
    const next = steps.flatMap((step, index) => {
      const payload = payloads[index];
      return payload && step.onAnswer ? step.onAnswer(payload) : [];
    });
    if (error)
      return {
        error,
        type: errorType,
        field: failedIndex === null ? null : (steps[failedIndex]?.mutation.field ?? null),
      };
    steps = next;
  }
  return outcomes;
}
