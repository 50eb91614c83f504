import { SERVICE_ACTORS, type ForgeModel, type SimIssue } from './model.js';

type Variables = Record<string, unknown>;
type Input = Record<string, unknown>;

interface GraphqlError {
  type: string;
  path: string[];
  message: string;
}

class NotFound extends Error {
  constructor(readonly id: unknown) {
    super(`Could not resolve to a node with the global id of '${String(id)}'.`);
  }
}

function notFound(path: string, id: unknown) {
  return { data: { [path]: null }, errors: [{ type: 'NOT_FOUND', path: [path], message: new NotFound(id).message }] };
}

/** The issue's card; the hours fields under the aliases the query asks them by (GitHub answers an empty number field as `{}`). */
function itemsOf(model: ForgeModel, issue: SimIssue, query: string) {
  const hours = (seconds: number) => (seconds === 0 ? {} : { number: seconds / 3600 });
  const effort = {
    ...(query.includes('spent: fieldValueByName') ? { spent: hours(issue.time.spent) } : {}),
    ...(query.includes('estimate: fieldValueByName') ? { estimate: hours(issue.time.estimate) } : {}),
  };
  const nodes = issue.item
    ? [
        {
          id: issue.item.id,
          project: { id: model.board.projectId },
          fieldValueByName: issue.item.optionId ? { optionId: issue.item.optionId } : null,
          ...effort,
        },
      ]
    : [];
  return { id: issue.nodeId, projectItems: { nodes } };
}

function issueNode(issue: SimIssue) {
  return {
    number: issue.iid,
    id: issue.nodeId,
    title: issue.title,
    body: issue.body,
    state: issue.state === 'closed' ? 'CLOSED' : 'OPEN',
    createdAt: issue.createdAt,
    updatedAt: issue.updatedAt,
    labels: { nodes: issue.labels.map((name) => ({ name })) },
    author: { login: issue.author },
    repository: { nameWithOwner: issue.project },
  };
}

/** GitHub's node id of an issue comment (the REST answer's `node_id`). */
export const commentNodeId = (id: number) => `IC_sim${id.toString(36)}`;

const bot = SERVICE_ACTORS.github;

function issueOf(model: ForgeModel, id: unknown): SimIssue {
  const issue = model.byNode(String(id));
  if (!issue) throw new NotFound(id);
  return issue;
}

function labelNames(model: ForgeModel, ids: unknown): string[] {
  return (Array.isArray(ids) ? ids : []).map((id) => {
    const label = model.githubLabelById(String(id));
    if (!label) throw new NotFound(id);
    return label.name;
  });
}

/** The mutations boardkeeper sends, each as GitHub's schema declares it: one `input` object. */
const MUTATIONS: Record<string, (model: ForgeModel, input: Input) => unknown> = {
  addLabelsToLabelable(model, input) {
    model.changeLabels(issueOf(model, input.labelableId), labelNames(model, input.labelIds), [], bot);
    return { clientMutationId: null };
  },
  removeLabelsFromLabelable(model, input) {
    model.changeLabels(issueOf(model, input.labelableId), [], labelNames(model, input.labelIds), bot);
    return { clientMutationId: null };
  },
  addComment(model, input) {
    const issue = issueOf(model, input.subjectId);
    const comment = { id: model.newCommentId(), body: String(input.body ?? ''), author: bot.login };
    issue.comments.push(comment);
    return { commentEdge: { node: { id: commentNodeId(comment.id) } } };
  },
  updateIssueComment(model, input) {
    const comment = model.issues.flatMap((i) => i.comments).find((c) => commentNodeId(c.id) === input.id);
    if (!comment) throw new NotFound(input.id);
    comment.body = String(input.body ?? comment.body);
    return { issueComment: { id: input.id } };
  },
  closeIssue(model, input) {
    const issue = issueOf(model, input.issueId);
    model.setState(issue, 'closed', bot);
    return { issue: { id: issue.nodeId } };
  },
  reopenIssue(model, input) {
    const issue = issueOf(model, input.issueId);
    model.setState(issue, 'open', bot);
    return { issue: { id: issue.nodeId } };
  },
  addProjectV2ItemById(model, input) {
    if (input.projectId !== model.board.projectId) throw new NotFound(input.projectId);
    return { item: { id: model.addItem(issueOf(model, input.contentId)) } };
  },
  updateProjectV2ItemFieldValue(model, input) {
    const { board } = model;
    if (input.projectId !== board.projectId) throw new NotFound(input.projectId);
    if (input.fieldId !== board.fieldId) throw new NotFound(input.fieldId);
    const issue = model.byItem(String(input.itemId));
    if (!issue) throw new NotFound(input.itemId);
    const optionId = (input.value as { singleSelectOptionId?: string } | undefined)?.singleSelectOptionId;
    if (!board.options.some((o) => o.id === optionId)) throw new NotFound(optionId);
    model.setStatus(issue, optionId!, bot);
    return { projectV2Item: { id: issue.item!.id } };
  },
};

/**
 * A mutation document: `alias: field(input: $var) { … }` fields, run in order like GitHub does; one
 * failing does not stop the rest, and the answer carries the data of those that ran plus `errors`.
 */
function runMutations(model: ForgeModel, query: string, variables: Variables) {
  const data: Record<string, unknown> = {};
  const errors: GraphqlError[] = [];
  for (const [, alias, field, variable] of query.matchAll(/(\w+)\s*:\s*(\w+)\s*\(\s*input\s*:\s*\$(\w+)\s*\)/g)) {
    const run = MUTATIONS[field!];
    if (!run)
      return {
        errors: [{ type: 'UNSUPPORTED', message: `the forge simulator does not answer the mutation ${field}` }],
      };
    try {
      data[alias!] = run(model, (variables[variable!] ?? {}) as Input);
    } catch (error) {
      if (!(error instanceof NotFound)) throw error;
      data[alias!] = null;
      errors.push({ type: 'NOT_FOUND', path: [alias!], message: error.message });
    }
  }
  return errors.length > 0 ? { data, errors } : { data };
}

function labelsPage(model: ForgeModel, after: unknown) {
  const all = [...model.githubLabels.values()];
  const start = typeof after === 'string' ? Number(after) : 0;
  const nodes = all.slice(start, start + 100);
  const end = start + nodes.length;
  return { nodes, pageInfo: { hasNextPage: end < all.length, endCursor: String(end) } };
}

/**
 * Answers the GraphQL documents boardkeeper sends (src/forges/github/*.ts), recognised by their root
 * field: mutations (labels, comments, state, the board's cards and Status, which sends
 * `projects_v2_item.edited`), the board's Status field and options, the repository's labels, an
 * issue's card, and an issue by node id.
 */
export function githubGraphql(model: ForgeModel, query: string, variables: Variables): unknown {
  const { board } = model;
  if (/^\s*mutation\b/.test(query)) return runMutations(model, query, variables);
  if (query.includes('repositoryOwner')) {
    const matches = variables.owner === board.owner && variables.number === board.number;
    const field = variables.field === board.fieldName ? { id: board.fieldId, options: board.options } : null;
    return { data: { repositoryOwner: { projectV2: matches ? { id: board.projectId, field } : null } } };
  }
  if (query.includes('labels(first')) {
    const known = `${String(variables.owner)}/${String(variables.repo)}` === model.projects.github;
    return { data: { repository: known ? { labels: labelsPage(model, variables.after) } : null } };
  }
  if (query.includes('repository(owner')) {
    const issue = model.find(
      'github',
      `${String(variables.owner)}/${String(variables.repo)}`,
      Number(variables.number),
    );
    return { data: { repository: { issue: issue ? itemsOf(model, issue, query) : null } } };
  }
  if (query.includes('node(id')) {
    const issue = model.byNode(String(variables.id));
    if (!issue) return notFound('node', variables.id);
    return { data: { node: query.includes('projectItems') ? itemsOf(model, issue, query) : issueNode(issue) } };
  }
  return { errors: [{ type: 'UNSUPPORTED', message: 'the forge simulator does not answer this query' }] };
}
