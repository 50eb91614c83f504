import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import type { RequestPolicy } from '../request-policy.js';
import { fetchWithTimeout, installPolicy } from './transport.js';

export interface GithubAppCredentials {
  appId: string;
  privateKey: string;
  /** Unset: looked up per repository owner (`GET /repos/{owner}/{repo}/installation`). */
  installationId?: number;
}

export type GithubCredentials = { token: string } | { app: GithubAppCredentials };

function newOctokit(apiUrl: string, policy: RequestPolicy, auth: Record<string, unknown>, app: boolean): Octokit {
  const octokit = new Octokit({
    baseUrl: apiUrl.replace(/\/+$/, ''),
    userAgent: 'boardkeeper',
    request: { fetch: fetchWithTimeout(policy) },
    ...(app ? { authStrategy: createAppAuth, auth } : { auth: auth.token }),
    // Octokit logs every 4xx at warn; we report failures ourselves, once, with their kind.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  installPolicy(octokit, policy);
  return octokit;
}

/**
 * Hands out an authenticated Octokit for a repository owner: one for a token or a fixed App
 * installation; with an App and no installation id, one per owner's installation (installation
 * tokens are refreshed by @octokit/auth-app before they expire).
 */
export class GithubAuth {
  private readonly shared: Octokit | null;
  private readonly appOnly: Octokit | null;
  private readonly perOwner = new Map<string, Promise<Octokit>>();

  constructor(
    private readonly apiUrl: string,
    private readonly credentials: GithubCredentials,
    private readonly policy: RequestPolicy,
  ) {
    if ('token' in credentials) {
      this.shared = newOctokit(apiUrl, policy, { token: credentials.token }, false);
      this.appOnly = null;
    } else if (credentials.app.installationId !== undefined) {
      this.shared = newOctokit(apiUrl, policy, { ...credentials.app }, true);
      this.appOnly = null;
    } else {
      this.shared = null;
      this.appOnly = newOctokit(
        apiUrl,
        policy,
        { appId: credentials.app.appId, privateKey: credentials.app.privateKey },
        true,
      );
    }
  }

  /** For the App's own endpoints (`/app/hook/...`, signed with the App's JWT): null with a token. */
  forApp(): Octokit | null {
    return 'token' in this.credentials ? null : (this.appOnly ?? this.shared);
  }

  /** `repo` is needed only to find an App's installation the first time an owner is seen. */
  forOwner(owner: string, repo: string): Promise<Octokit> {
    if (this.shared) return Promise.resolve(this.shared);
    const known = this.perOwner.get(owner);
    if (known) return known;
    const created = this.installationOctokit(owner, repo);
    this.perOwner.set(owner, created);
    created.catch(() => this.perOwner.delete(owner));
    return created;
  }

  private async installationOctokit(owner: string, repo: string): Promise<Octokit> {
    const app = (this.credentials as { app: GithubAppCredentials }).app;
    const { data } = await this.appOnly!.rest.apps.getRepoInstallation({ owner, repo });
    return newOctokit(this.apiUrl, this.policy, { ...app, installationId: data.id }, true);
  }
}
