import type { Octokit } from '@octokit/rest';
import { IdCache } from '../comment-cache.js';
import { sendMutations, type Mutation } from './mutations.js';
import { graphqlCall } from './transport.js';

export interface ProjectRef {
  owner: string;
  number: number;
  statusField: string;
}

export interface StatusOption {
  id: string;
  name: string;
}

export interface BoardMeta {
  projectId: string;
  fieldId: string;
  options: StatusOption[];
}

export interface ProjectItem {
  issueId: string;
  itemId: string | null;
  optionId: string | null;
}

/** Board options are written for people ("SOW drafting"); stages for machines ("sow-drafting"). */
export function sameStatusName(a: string, b: string): boolean {
  const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');
  return squash(a) === squash(b);
}

const BOARD_QUERY = `query($owner: String!, $number: Int!, $field: String!) {
  repositoryOwner(login: $owner) {
    ... on ProjectV2Owner {
      projectV2(number: $number) {
        id
        field(name: $field) { ... on ProjectV2SingleSelectField { id options { id name } } }
      }
    }
  }
}`;

const ITEM_FIELDS = `id
  projectItems(first: 50) {
    nodes { id project { id } fieldValueByName(name: $field) { ... on ProjectV2ItemFieldSingleSelectValue { optionId } } }
  }`;

const ITEM_BY_NODE_QUERY = `query($id: ID!, $field: String!) { node(id: $id) { ... on Issue { ${ITEM_FIELDS} } } }`;
const ITEM_BY_NUMBER_QUERY = `query($owner: String!, $repo: String!, $number: Int!, $field: String!) {
  repository(owner: $owner, name: $repo) { issue(number: $number) { ${ITEM_FIELDS} } }
}`;

interface IssueItems {
  id: string;
  projectItems: { nodes: Array<{ id: string; project: { id: string }; fieldValueByName: { optionId?: string } | null }> };
}

export type IssueLocator = { nodeId: string } | { owner: string; repo: string; number: number };

/** Adding an issue that is already on the board answers with its existing card, so this is safe to repeat. */
export function addItemMutation(meta: BoardMeta, issueId: string): Mutation {
  return { field: 'addProjectV2ItemById', input: { projectId: meta.projectId, contentId: issueId }, selection: 'item { id }' };
}

export function setStatusMutation(meta: BoardMeta, itemId: string, optionId: string): Mutation {
  return {
    field: 'updateProjectV2ItemFieldValue',
    input: { projectId: meta.projectId, itemId, fieldId: meta.fieldId, value: { singleSelectOptionId: optionId } },
    selection: 'projectV2Item { id }',
  };
}

/** The item id in an `addProjectV2ItemById` payload. */
export function addedItemId(payload: Record<string, unknown> | null): string | null {
  return (payload?.item as { id?: string } | undefined)?.id ?? null;
}

async function sendOne(octokit: Octokit, mutation: Mutation): Promise<Record<string, unknown> | null> {
  const { payloads, error } = await sendMutations(octokit, [mutation]);
  if (error) throw error;
  return payloads[0] ?? null;
}

/**
 * The configured Projects v2 board: ids are looked up once per client and kept, since project,
 * field and option ids do not change while the board exists, nor an issue's card while it is on it.
 * `forget` drops them all when GitHub says one is gone.
 */
export class ProjectBoard {
  private meta: Promise<BoardMeta | null> | null = null;
  /** Card (item) id by issue node id. */
  readonly items = new IdCache<string>();

  constructor(readonly project: ProjectRef) {}

  /** null when the project or its Status field does not exist. */
  describe(octokit: Octokit): Promise<BoardMeta | null> {
    if (!this.meta) {
      this.meta = this.loadMeta(octokit);
      this.meta.catch(() => (this.meta = null));
    }
    return this.meta;
  }

  private async loadMeta(octokit: Octokit): Promise<BoardMeta | null> {
    const data = await graphqlCall<{
      repositoryOwner: { projectV2?: { id: string; field: { id?: string; options?: StatusOption[] } | null } | null } | null;
    }>(octokit, 'project', BOARD_QUERY, { owner: this.project.owner, number: this.project.number, field: this.project.statusField });
    const project = data.repositoryOwner?.projectV2;
    if (!project?.field?.id || !project.field.options) return null;
    return { projectId: project.id, fieldId: project.field.id, options: project.field.options };
  }

  async findItem(octokit: Octokit, meta: BoardMeta, issue: IssueLocator): Promise<ProjectItem | null> {
    const field = this.project.statusField;
    const found =
      'nodeId' in issue
        ? (await graphqlCall<{ node: IssueItems | null }>(octokit, 'issue items', ITEM_BY_NODE_QUERY, { id: issue.nodeId, field })).node
        : (
            await graphqlCall<{ repository: { issue: IssueItems | null } | null }>(octokit, 'issue items', ITEM_BY_NUMBER_QUERY, {
              ...issue,
              field,
            })
          ).repository?.issue ?? null;
    if (!found) return null;
    const item = found.projectItems.nodes.find((node) => node.project.id === meta.projectId);
    if (item) this.items.set(found.id, item.id);
    return { issueId: found.id, itemId: item?.id ?? null, optionId: item?.fieldValueByName?.optionId ?? null };
  }

  async addItem(octokit: Octokit, meta: BoardMeta, issueId: string): Promise<string> {
    const itemId = addedItemId(await sendOne(octokit, addItemMutation(meta, issueId)));
    if (itemId) this.items.set(issueId, itemId);
    return itemId ?? '';
  }

  async setStatus(octokit: Octokit, meta: BoardMeta, itemId: string, optionId: string): Promise<void> {
    await sendOne(octokit, setStatusMutation(meta, itemId, optionId));
  }

  forget(): void {
    this.meta = null;
    this.items.clear();
  }
}
