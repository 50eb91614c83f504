import { GraphqlResponseError } from '@octokit/graphql';
import type { Octokit } from '@octokit/rest';
import { fromGraphqlError } from './transport.js';

/**
 * One GitHub GraphQL mutation, written the way the schema declares it: a root field taking one
 * `input` object of the named input type. Several go into one request, and GitHub runs them in order.
 */
export interface Mutation {
  field:
    | 'addLabelsToLabelable'
    | 'removeLabelsFromLabelable'
    | 'addComment'
    | 'updateIssueComment'
    | 'closeIssue'
    | 'reopenIssue'
    | 'addProjectV2ItemById'
    | 'updateProjectV2ItemFieldValue';
  input: Record<string, unknown>;
  /** What to read back from the payload. */
  selection: string;
}

const inputType = (field: Mutation['field']) => `${field[0]!.toUpperCase()}${field.slice(1)}Input!`;

/** `mutation($m0: AddCommentInput!, …) { m0: addComment(input: $m0) { … } … }` and its variables. */
export function mutationDocument(mutations: readonly Mutation[]): {
  query: string;
  variables: Record<string, unknown>;
} {
  const declarations = mutations.map((m, i) => `$m${i}: ${inputType(m.field)}`).join(', ');
  const fields = mutations.map((m, i) => `  m${i}: ${m.field}(input: $m${i}) { ${m.selection} }`).join('\n');
  return {
    query: `mutation(${declarations}) {\n${fields}\n}`,
    variables: Object.fromEntries(mutations.map((m, i) => [`m${i}`, m.input])),
  };
}

export interface MutationResults {
  /** Each mutation's payload, null where it failed. */
  payloads: Array<Record<string, unknown> | null>;
  /** The first failure, mapped like any other GitHub error; null when all succeeded. */
  error: ReturnType<typeof fromGraphqlError> | null;
  /** The GraphQL error type of the first failure (`NOT_FOUND`, …). */
  errorType: string | null;
  /** Which mutation failed first (from the error's path), when GitHub says. */
  failedIndex: number | null;
}

/**
 * Sends the mutations in one request. A failing mutation does not stop the others (GitHub answers
 * with the data of those that ran and an `errors` list), so the caller sees what did apply.
 */
export async function sendMutations(octokit: Octokit, mutations: readonly Mutation[]): Promise<MutationResults> {
  if (mutations.length === 0) return { payloads: [], error: null, errorType: null, failedIndex: null };
  const { query, variables } = mutationDocument(mutations);
  const read = (data: Record<string, unknown> | undefined) =>
    mutations.map((_, i) => (data?.[`m${i}`] as Record<string, unknown> | null | undefined) ?? null);
  try {
    const data = await octokit.graphql<Record<string, unknown>>(query, variables);
    return { payloads: read(data), error: null, errorType: null, failedIndex: null };
  } catch (error) {
    if (!(error instanceof GraphqlResponseError)) throw fromGraphqlError(error, 'mutations');
    const first = error.errors?.[0] as { type?: string; path?: unknown[] } | undefined;
    const alias = /^m(\d+)$/.exec(String(first?.path?.[0] ?? ''));
    return {
      payloads: read(error.data as Record<string, unknown> | undefined),
      error: fromGraphqlError(error, 'mutations'),
      errorType: first?.type ?? null,
      failedIndex: alias ? Number(alias[1]) : null,
    };
  }
}
