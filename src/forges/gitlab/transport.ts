import { createRequesterFn, type FormattedResponse, type ResponseBodyTypes } from '@gitbeaker/requester-utils';
import { forgeErrorFromResponse, isForgeError } from '../errors.js';
import type { RequestPolicy } from '../request-policy.js';

interface GitbeakerRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | FormData;
  prefixUrl?: string;
  searchParams?: string;
}

async function readBody(response: Response): Promise<ResponseBodyTypes> {
  if (response.status === 204) return null as unknown as ResponseBodyTypes;
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
  if (contentType === 'application/json') return ((await response.json()) ?? {}) as ResponseBodyTypes;
  return (await response.text()) as ResponseBodyTypes;
}

function errorMessage(body: ResponseBodyTypes): string {
  if (typeof body === 'string') return body.slice(0, 500);
  const record = (body ?? {}) as Record<string, unknown>;
  const detail = record.message ?? record.error ?? '';
  return typeof detail === 'string' ? detail : JSON.stringify(detail);
}

/**
 * A gitbeaker requester that sends every request through our policy (concurrency, timeout,
 * counting, bounded retries) instead of gitbeaker's own loop, which retries 429/502 ten times
 * without reading Retry-After and never retries 500/503.
 */
export function policyRequester(policy: RequestPolicy) {
  return createRequesterFn(
    async (_service, options) => options,
    async (endpoint, rawOptions): Promise<FormattedResponse> => {
      const options = (rawOptions ?? {}) as GitbeakerRequest;
      const method = options.method ?? 'GET';
      const base = options.prefixUrl?.endsWith('/') ? options.prefixUrl : `${options.prefixUrl ?? ''}/`;
      const url = new URL(endpoint, base);
      url.search = options.searchParams ?? '';
      const request = `${method} ${endpoint}`;
      return policy.send(async (signal) => {
        let response: Response;
        try {
          response = await fetch(url, { method, headers: options.headers, body: options.body, signal });
        } catch (cause) {
          throw forgeErrorFromResponse({
            forge: 'gitlab',
            status: null,
            message: String(cause),
            headers: {},
            request,
            cause,
          });
        }
        const headers = Object.fromEntries(response.headers.entries());
        try {
          const body = await readBody(response);
          if (response.ok) return { body, headers, status: response.status };
          throw forgeErrorFromResponse({
            forge: 'gitlab',
            status: response.status,
            message: errorMessage(body),
            headers,
            request,
          });
        } catch (error) {
          if (isForgeError(error)) throw error;
          throw forgeErrorFromResponse({
            forge: 'gitlab',
            status: null,
            message: String(error),
            headers,
            request,
            cause: error,
          });
        }
      });
    },
  );
}
