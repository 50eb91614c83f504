/**
 * nock set-up for the forge clients: fixed API hosts, a config pointing at them, a request
 * recorder (method, path, body of every request a client sent) and quick retry settings so
 * failure paths run without real waiting.
 */
import nock from 'nock';
import { configSchema, type Config, type ConfigInput } from '../../src/config/schema.js';
import { createForgeClients, type ForgeClients, type PolicyOverrides } from '../../src/forges/clients.js';

export const GITLAB_URL = 'https://gitlab.boardkeeper.test';
export const GITHUB_API = 'https://api.github.boardkeeper.test';
export const GITLAB_PROJECT = '42';
export const GITHUB_REPO = 'acme/services';
export const GITHUB_BOARD = { owner: 'acme', number: 7, statusField: 'Status' };

export interface SentRequest {
  method: string;
  path: string;
  body: unknown;
}

export function forgeTestConfig(overrides: ConfigInput = {}): Config {
  return configSchema.parse({
    ...overrides,
    gitlab: { url: GITLAB_URL, token: 'glpat-test-token', ...overrides.gitlab },
    github: { apiUrl: GITHUB_API, token: 'ghp_test_token', project: GITHUB_BOARD, ...overrides.github },
  });
}

/** Waits the policy asked for, recorded instead of slept, so tests assert Retry-After without timing. */
export function recordedSleeps(): { sleeps: number[]; overrides: PolicyOverrides } {
  const sleeps: number[] = [];
  return {
    sleeps,
    overrides: {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      timeoutMs: 2_000,
    },
  };
}

export function forgeClients(
  config: Config = forgeTestConfig(),
  overrides: PolicyOverrides = recordedSleeps().overrides,
): ForgeClients {
  return createForgeClients(config, { info: () => {} }, overrides);
}

function parseBody(body: string): unknown {
  if (!body) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/**
 * Scopes on the two API hosts that record every request they answer (method, path with query,
 * parsed body) in order, so tests assert exactly what a client sent and how often.
 */
export class ForgeApiMock {
  readonly sent: SentRequest[] = [];
  private readonly scopes: nock.Scope[] = [];

  gitlab(): nock.Scope {
    return this.watch(nock(GITLAB_URL));
  }

  github(): nock.Scope {
    return this.watch(nock(GITHUB_API));
  }

  /** Interceptors that were set up but never called. */
  pending(): string[] {
    return this.scopes.flatMap((scope) => scope.pendingMocks());
  }

  private watch(scope: nock.Scope): nock.Scope {
    scope.on('request', (req: { method?: string; path?: string }, _interceptor: unknown, body: string) => {
      this.sent.push({ method: req.method ?? '', path: decodeURIComponent(req.path ?? ''), body: parseBody(body) });
    });
    this.scopes.push(scope);
    return scope;
  }
}

/** Blocks real network use; loopback stays open for servers a test starts itself. */
export function isolateNetwork(): void {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
}

export function resetNock(): void {
  nock.abortPendingRequests();
  nock.cleanAll();
}
