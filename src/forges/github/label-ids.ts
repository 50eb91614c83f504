import type { Octokit } from '@octokit/rest';
import { graphqlCall } from './transport.js';

const LABELS_QUERY = `query($owner: String!, $repo: String!, $after: String) {
  repository(owner: $owner, name: $repo) {
    labels(first: 100, after: $after) { nodes { id name } pageInfo { hasNextPage endCursor } }
  }
}`;

interface LabelPage {
  repository: {
    labels: {
      nodes: Array<{ id: string; name: string }>;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  } | null;
}

/** GitHub compares label names without regard to case. */
const keyOf = (name: string) => name.toLowerCase();

/**
 * The node ids of a repository's labels (the GraphQL label mutations take ids, not names), read once
 * per repository and kept: label ids do not change while the label exists. Read again when a name is
 * missing (someone created the label since) and forgotten when GitHub says an id is gone.
 */
export class LabelIds {
  private readonly repos = new Map<string, Promise<Map<string, string>>>();

  /** Ids of the names that exist in the repository, and the names that do not. */
  async resolve(
    octokit: Octokit,
    owner: string,
    repo: string,
    names: readonly string[],
  ): Promise<{ ids: string[]; missing: string[] }> {
    let known = await this.catalogue(octokit, owner, repo);
    if (names.some((name) => !known.has(keyOf(name)))) {
      this.forget(owner, repo);
      known = await this.catalogue(octokit, owner, repo);
    }
    const ids: string[] = [];
    const missing: string[] = [];
    for (const name of names) {
      const id = known.get(keyOf(name));
      if (id) ids.push(id);
      else missing.push(name);
    }
    return { ids, missing };
  }

  /** Ids of those names the cache knows (a label it does not know cannot be on an issue it is asked to leave). */
  async known(octokit: Octokit, owner: string, repo: string, names: readonly string[]): Promise<string[]> {
    const known = await this.catalogue(octokit, owner, repo);
    return names.flatMap((name) => known.get(keyOf(name)) ?? []);
  }

  forget(owner: string, repo: string): void {
    this.repos.delete(`${owner}/${repo}`);
  }

  private catalogue(octokit: Octokit, owner: string, repo: string): Promise<Map<string, string>> {
    const key = `${owner}/${repo}`;
    let loading = this.repos.get(key);
    if (!loading) {
      loading = this.load(octokit, owner, repo);
      loading.catch(() => this.repos.delete(key));
      this.repos.set(key, loading);
    }
    return loading;
  }

  private async load(octokit: Octokit, owner: string, repo: string): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (let after: string | null = null; ; ) {
      const page: LabelPage = await graphqlCall<LabelPage>(octokit, 'labels', LABELS_QUERY, { owner, repo, after });
      const labels = page.repository?.labels;
      for (const label of labels?.nodes ?? []) ids.set(keyOf(label.name), label.id);
      if (!labels?.pageInfo.hasNextPage) return ids;
      after = labels.pageInfo.endCursor;
    }
  }
}
