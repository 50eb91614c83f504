import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { commentNodeId, githubGraphql } from './github-graphql.js';
import { SERVICE_ACTORS, type ForgeModel, type SimIssue } from './model.js';

interface IssueParams {
  owner: string;
  repo: string;
  number: string;
}

const labelJson = (name: string) => ({ name, color: 'ededed', default: false, description: null });

/** An issue as `GET /repos/{owner}/{repo}/issues/{number}` returns it (the fields our client reads, and a few more). */
export function issueJson(issue: SimIssue) {
  return {
    id: issue.id,
    node_id: issue.nodeId,
    number: issue.iid,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    labels: issue.labels.map(labelJson),
    user: { login: issue.author, type: 'User' },
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    html_url: `https://github.com/${issue.project}/issues/${issue.iid}`,
  };
}

const commentJson = (comment: SimIssue['comments'][number]) => ({
  id: comment.id,
  node_id: commentNodeId(comment.id),
  body: comment.body,
  user: { login: comment.author },
});

/**
 * The GitHub REST endpoints boardkeeper's client calls (src/forges/github/client.ts): issue, labels
 * (add, remove one, replace all, list), comments, state, and the GraphQL endpoint for the board.
 */
export const githubApi: FastifyPluginAsync<{ model: ForgeModel }> = async (app, { model }) => {
  const bot = SERVICE_ACTORS.github;
  const issueOr404 = (params: IssueParams, reply: FastifyReply): SimIssue | null => {
    const issue = model.find('github', `${params.owner}/${params.repo}`, Number(params.number));
    if (!issue) void reply.code(404).send({ message: 'Not Found' });
    return issue ?? null;
  };
  const base = '/repos/:owner/:repo/issues/:number';

  app.get<{ Params: IssueParams }>(base, async (request, reply) => {
    const issue = issueOr404(request.params, reply);
    return issue ? issueJson(issue) : reply;
  });

  app.patch<{ Params: IssueParams; Body: { state?: 'open' | 'closed'; body?: string } }>(
    base,
    async (request, reply) => {
      const issue = issueOr404(request.params, reply);
      if (!issue) return reply;
      if (request.body?.body !== undefined) model.editBody(issue, request.body.body, bot);
      if (request.body?.state) model.setState(issue, request.body.state, bot);
      return issueJson(issue);
    },
  );

  app.get<{ Params: IssueParams }>(`${base}/labels`, async (request, reply) => {
    const issue = issueOr404(request.params, reply);
    return issue ? issue.labels.map(labelJson) : reply;
  });

  app.post<{ Params: IssueParams; Body: { labels?: string[] } }>(`${base}/labels`, async (request, reply) => {
    const issue = issueOr404(request.params, reply);
    if (!issue) return reply;
    model.changeLabels(issue, request.body?.labels ?? [], [], bot);
    return issue.labels.map(labelJson);
  });

  app.put<{ Params: IssueParams; Body: { labels?: string[] } }>(`${base}/labels`, async (request, reply) => {
    const issue = issueOr404(request.params, reply);
    if (!issue) return reply;
    const wanted = request.body?.labels ?? [];
    model.changeLabels(
      issue,
      wanted,
      issue.labels.filter((l) => !wanted.includes(l)),
      bot,
    );
    return issue.labels.map(labelJson);
  });

  app.delete<{ Params: IssueParams & { name: string } }>(`${base}/labels/:name`, async (request, reply) => {
    const issue = issueOr404(request.params, reply);
    if (!issue) return reply;
    if (!issue.labels.includes(request.params.name)) return reply.code(404).send({ message: 'Label does not exist' });
    model.changeLabels(issue, [], [request.params.name], bot);
    return issue.labels.map(labelJson);
  });

  app.get<{ Params: IssueParams }>(`${base}/comments`, async (request, reply) => {
    const issue = issueOr404(request.params, reply);
    return issue ? issue.comments.map(commentJson) : reply;
  });

  app.post<{ Params: IssueParams; Body: { body?: string } }>(`${base}/comments`, async (request, reply) => {
    const issue = issueOr404(request.params, reply);
    if (!issue) return reply;
    const comment = { id: model.newCommentId(), body: request.body?.body ?? '', author: bot.login };
    issue.comments.push(comment);
    return reply.code(201).send(commentJson(comment));
  });

  app.patch<{ Params: { owner: string; repo: string; id: string }; Body: { body?: string } }>(
    '/repos/:owner/:repo/issues/comments/:id',
    async (request, reply) => {
      const id = Number(request.params.id);
      const comment = model.issues.flatMap((i) => i.comments).find((c) => c.id === id);
      if (!comment) return reply.code(404).send({ message: 'Not Found' });
      comment.body = request.body?.body ?? comment.body;
      return commentJson(comment);
    },
  );

  app.post<{ Body: { query?: string; variables?: Record<string, unknown> } }>('/graphql', async (request) =>
    githubGraphql(model, request.body?.query ?? '', request.body?.variables ?? {}),
  );
};
