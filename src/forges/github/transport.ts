import { GraphqlResponseError } from '@octokit/graphql';
import type { Octokit } from '@octokit/rest';
import { ForgeError, forgeErrorFromResponse, isForgeError } from '../errors.js';
import type { RequestPolicy } from '../request-policy.js';

interface OctokitHttpError {
  status?: number;
  message: string;
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
}

function messageOf(error: OctokitHttpError): string {
  const data = error.response?.data as { message?: unknown } | undefined;
  return typeof data?.message === 'string' ? data.message : error.message;
}

/** Maps an Octokit RequestError (or a fetch failure, which Octokit reports without a response) to a ForgeError. */
export function fromOctokitError(error: unknown, request: string): ForgeError {
  if (isForgeError(error)) return error;
  const failure = error as OctokitHttpError;
  const status = failure.response && typeof failure.status === 'number' && failure.status > 0 ? failure.status : null;
  return forgeErrorFromResponse({
    forge: 'github',
    status,
    message: status === null ? String(failure.message) : messageOf(failure),
    headers: failure.response?.headers ?? {},
    request,
    cause: error,
  });
}

const GRAPHQL_KINDS: Record<string, ForgeError['kind']> = {
  NOT_FOUND: 'not-found',
  FORBIDDEN: 'auth',
  INSUFFICIENT_SCOPES: 'auth',
  RATE_LIMITED: 'transient',
};

/** GraphQL reports errors with HTTP 200 and an `errors` array; its `type` says what went wrong. */
export function fromGraphqlError(error: unknown, operation: string): ForgeError {
  if (!(error instanceof GraphqlResponseError)) return fromOctokitError(error, `graphql ${operation}`);
  const type = (error.errors?.[0] as { type?: string } | undefined)?.type ?? '';
  return new ForgeError(GRAPHQL_KINDS[type] ?? 'rejected', `GitHub graphql ${operation}: ${error.message}`, 200, null, {
    cause: error,
  });
}

/** Octokit drops a per-request signal set in a hook, so the timeout is applied where it fetches. */
export function fetchWithTimeout(policy: RequestPolicy): typeof fetch {
  return (input, init) => fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(policy.timeoutMs) });
}

/** Every Octokit request (REST, GraphQL, token exchange) goes through the policy. */
export function installPolicy(octokit: Octokit, policy: RequestPolicy): void {
  octokit.hook.wrap('request', (request, options) => {
    const target = `${options.method} ${options.url}`;
    return policy.send(async () => {
      try {
        return await request(options);
      } catch (error) {
        throw fromOctokitError(error, target);
      }
    });
  });
}

/** One GraphQL request, its errors mapped like REST ones. */
export async function graphqlCall<T>(
  octokit: Octokit,
  operation: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  try {
    return await octokit.graphql<T>(query, variables);
  } catch (error) {
    throw fromGraphqlError(error, operation);
  }
}
