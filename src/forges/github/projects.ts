import type { Octokit } from '@octokit/rest';
import { seconds, type EffortReading } from '../../domain/effort.js';
import { IdCache } from '../comment-cache.js';
import { sendMutations, type Mutation } from './mutations.js';
import { graphqlCall } from './transport.js';

export interface ProjectRef {
  owner: string;
  number: number;
  statusField: string;
  /** Names of the number fields holding hours spent and estimated. */
  effortFields?: { spent?: string; estimate?: string };
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
  /** The card's effort fields, in seconds (a field left empty is none); empty without effort fields configured. */
  effort: EffortReading;
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

type EffortKey = 'spent' | 'estimate';
const EFFORT_KEYS: readonly EffortKey[] = ['spent', 'estimate'];

/** The issue's cards with the Status option and, when configured, each effort field as an alias of its own. */
function itemFields(effortFields: ProjectRef['effortFields']): string {
  const numbers = EFFORT_KEYS.filter((key) => effortFields?.[key])
    .map((key) => ` ${key}: fieldValueByName(name: $${key}) { ... on ProjectV2ItemFieldNumberValue { number } }`)
    .join('');
  return `id
  projectItems(first: 50) {
    nodes { id project { id } fieldValueByName(name: $field) { ... on ProjectV2ItemFieldSingleSelectValue { optionId } }${numbers} }
  }`;
}

function itemQueries(effortFields: ProjectRef['effortFields']): { byNode: string; byNumber: string } {
  const variables = EFFORT_KEYS.filter((key) => effortFields?.[key])
    .map((key) => `, $${key}: String!`)
    .join('');
  const fields = itemFields(effortFields);
  return {
    byNode: `query($id: ID!, $field: String!${variables}) { node(id: $id) { ... on Issue { ${fields} } } }`,
    byNumber: `query($owner: String!, $repo: String!, $number: Int!, $field: String!${variables}) {
  repository(owner: $owner, name: $repo) { issue(number: $number) { ${fields} } }
}`,
  };
}

type NumberValue = { number?: number | null } | null | undefined;

interface IssueItems {
  id: string;
  projectItems: {
    nodes: Array<{
      id: string;
      project: { id: string };
      fieldValueByName: { optionId?: string } | null;
      spent?: NumberValue;
      estimate?: NumberValue;
    }>;
  };
}

export type IssueLocator = { nodeId: string } | { owner: string; repo: string; number: number };

/** Adding an issue that is already on the board answers with its existing card, so this is safe to repeat. */
export function addItemMutation(meta: BoardMeta, issueId: string): Mutation {
  return {
    field: 'addProjectV2ItemById',
    input: { projectId: meta.projectId, contentId: issueId },
    selection: 'item { id }',
  };
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

const hoursToSeconds = (value: NumberValue): number | null =>
  seconds(typeof value?.number === 'number' ? value.number * 3600 : null);

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

  private readonly queries: { byNode: string; byNumber: string };

  constructor(readonly project: ProjectRef) {
    this.queries = itemQueries(project.effortFields);
  }

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
      repositoryOwner: {
        projectV2?: { id: string; field: { id?: string; options?: StatusOption[] } | null } | null;
      } | null;
    }>(octokit, 'project', BOARD_QUERY, {
      owner: this.project.owner,
      number: this.project.number,
      field: this.project.statusField,
    });
    const project = data.repositoryOwner?.projectV2;
    if (!project?.field?.id || !project.field.options) return null;
    return { projectId: project.id, fieldId: project.field.id, options: project.field.options };
  }

  async findItem(octokit: Octokit, meta: BoardMeta, issue: IssueLocator): Promise<ProjectItem | null> {
    const { statusField: field, effortFields } = this.project;
    const names = Object.fromEntries(
      EFFORT_KEYS.flatMap((key) => (effortFields?.[key] ? [[key, effortFields[key]]] : [])),
    );
    const found =
      'nodeId' in issue
        ? (
            await graphqlCall<{ node: IssueItems | null }>(octokit, 'issue items', this.queries.byNode, {
              id: issue.nodeId,
              field,
              ...names,
            })
          ).node
        : ((
            await graphqlCall<{ repository: { issue: IssueItems | null } | null }>(
              octokit,
              'issue items',
              this.queries.byNumber,
              {
                ...issue,
                field,
                ...names,
              },
            )
          ).repository?.issue ?? null);
    if (!found) return null;
    const item = found.projectItems.nodes.find((node) => node.project.id === meta.projectId);
    if (item) this.items.set(found.id, item.id);
    const effort: EffortReading = {};
    // Hours on the board; a field left empty reads as null: none.
    if (effortFields?.spent) effort.spentSeconds = hoursToSeconds(item?.spent);
    if (effortFields?.estimate) effort.estimateSeconds = hoursToSeconds(item?.estimate);
    return { issueId: found.id, itemId: item?.id ?? null, optionId: item?.fieldValueByName?.optionId ?? null, effort };
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
