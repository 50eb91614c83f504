import { SERVICE_ACTORS, type ForgeModel, type SimIssue } from './model.js';

type Variables = Record<string, unknown>;

function notFound(path: string, id: unknown) {
  return { data: { [path]: null }, errors: [{ type: 'NOT_FOUND', path: [path], message: `Could not resolve to a node with the global id of '${String(id)}'.` }] };
}

function itemsOf(model: ForgeModel, issue: SimIssue) {
  const nodes = issue.item
    ? [{ id: issue.item.id, project: { id: model.board.projectId }, fieldValueByName: issue.item.optionId ? { optionId: issue.item.optionId } : null }]
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

/**
 * Answers the six GraphQL documents boardkeeper sends (src/forges/github/projects.ts and client.ts),
 * recognised by their root field: the board's Status field and options, an issue's card, an issue by
 * node id, adding a card, and setting a card's Status (which sends `projects_v2_item.edited`).
 */
export function githubGraphql(model: ForgeModel, query: string, variables: Variables): unknown {
  const { board } = model;
  if (query.includes('addProjectV2ItemById')) {
    const issue = model.byNode(String(variables.content));
    if (!issue) return notFound('addProjectV2ItemById', variables.content);
    return { data: { addProjectV2ItemById: { item: { id: model.addItem(issue) } } } };
  }
  if (query.includes('updateProjectV2ItemFieldValue')) {
    const issue = model.byItem(String(variables.item));
    const option = board.options.find((o) => o.id === variables.option);
    if (!issue || !option) return notFound('updateProjectV2ItemFieldValue', variables.item);
    model.setStatus(issue, option.id, SERVICE_ACTORS.github);
    return { data: { updateProjectV2ItemFieldValue: { projectV2Item: { id: issue.item!.id } } } };
  }
  if (query.includes('repositoryOwner')) {
    const matches = variables.owner === board.owner && variables.number === board.number;
    const field = variables.field === board.fieldName ? { id: board.fieldId, options: board.options } : null;
    return { data: { repositoryOwner: { projectV2: matches ? { id: board.projectId, field } : null } } };
  }
  if (query.includes('repository(owner')) {
    const issue = model.find('github', `${String(variables.owner)}/${String(variables.repo)}`, Number(variables.number));
    return { data: { repository: { issue: issue ? itemsOf(model, issue) : null } } };
  }
  if (query.includes('node(id')) {
    const issue = model.byNode(String(variables.id));
    if (!issue) return notFound('node', variables.id);
    return { data: { node: query.includes('projectItems') ? itemsOf(model, issue) : issueNode(issue) } };
  }
  return { errors: [{ type: 'UNSUPPORTED', message: 'the forge simulator does not answer this query' }] };
}
