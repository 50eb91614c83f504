import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { issueJson as githubIssueJson } from './github-api.js';
import { issueJson as gitlabIssueJson } from './gitlab-api.js';
import type { ForgeModel, SimHistoryEvent, SimIssue } from './model.js';

interface PageQuery {
  page?: string;
  per_page?: string;
}

/** One page of `items` as `?page=&per_page=` asks (GitLab caps per_page at 100, GitHub too). */
function pageOf<T>(
  items: T[],
  query: PageQuery,
): { items: T[]; page: number; next: number | null; totalPages: number } {
  const perPage = Math.min(100, Math.max(1, Number(query.per_page ?? 20)));
  const page = Math.max(1, Number(query.page ?? 1));
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    page,
    next: page < totalPages ? page + 1 : null,
    totalPages,
  };
}

/** GitLab's offset pagination headers. */
function gitlabPage<T>(items: T[], request: FastifyRequest<{ Querystring: PageQuery }>, reply: FastifyReply): T[] {
  const page = pageOf(items, request.query);
  void reply.headers({
    'x-page': String(page.page),
    'x-next-page': page.next === null ? '' : String(page.next),
    'x-per-page': request.query.per_page ?? '20',
    'x-total': String(items.length),
    'x-total-pages': String(page.totalPages),
  });
  return page.items;
}

/** GitHub's `Link: <…?page=2>; rel="next"` pagination. */
function githubPage<T>(items: T[], request: FastifyRequest<{ Querystring: PageQuery }>, reply: FastifyReply): T[] {
  const page = pageOf(items, { per_page: '30', ...request.query });
  if (page.next !== null) {
    const url = new URL(request.url, `http://${request.headers.host}`);
    url.searchParams.set('page', String(page.next));
    void reply.header('link', `<${url.href}>; rel="next"`);
  }
  return page.items;
}

const byCreation = (a: SimIssue, b: SimIssue) => a.createdAt.localeCompare(b.createdAt) || a.iid - b.iid;

/**
 * GitLab's history endpoints that `backfill` reads: the project's issues (`updated_after`, oldest
 * first), each issue's resource label events and resource state events.
 */
export const gitlabHistoryApi: FastifyPluginAsync<{ model: ForgeModel }> = async (app, { model }) => {
  type Listing = { Params: { project: string }; Querystring: PageQuery & { updated_after?: string } };
  type Events = { Params: { project: string; iid: string }; Querystring: PageQuery };
  const historyOf = (params: Events['Params']) => model.find('gitlab', params.project, Number(params.iid))?.history;
  const user = (event: SimHistoryEvent) => ({ username: event.actor, name: event.actor });

  app.get<Listing>('/projects/:project/issues', async (request, reply) => {
    const after = request.query.updated_after ? Date.parse(request.query.updated_after) : -Infinity;
    const issues = model.issues
      .filter(
        (issue) =>
          issue.forge === 'gitlab' && issue.project === request.params.project && Date.parse(issue.updatedAt) >= after,
      )
      .sort(byCreation);
    return gitlabPage(issues, request, reply).map(gitlabIssueJson);
  });

  /** A resource event listing: the issue's events of one type, in GitLab's shape. */
  const resourceEvents =
    (type: SimHistoryEvent['type'], fields: (event: SimHistoryEvent, id: number) => Record<string, unknown>) =>
    async (request: FastifyRequest<Events>, reply: FastifyReply) => {
      const history = historyOf(request.params);
      if (!history) return reply.code(404).send({ message: '404 Issue Not Found' });
      const events = history.filter((event) => event.type === type);
      return gitlabPage(events, request, reply).map((event, n) => ({
        id: n + 1,
        user: user(event),
        created_at: event.at,
        resource_type: 'Issue',
        resource_id: Number(request.params.iid),
        ...fields(event, n + 1),
      }));
    };
  app.get<Events>(
    '/projects/:project/issues/:iid/resource_label_events',
    resourceEvents('label', (event, id) => ({
      label: { id, name: event.label, color: '#ededed', description: null },
      action: event.action,
    })),
  );
  app.get<Events>(
    '/projects/:project/issues/:iid/resource_state_events',
    resourceEvents('state', (event) => ({ state: event.action })),
  );
};

/** GitHub's: the repository's issues (`since` = updated since, oldest created first) and each issue's events. */
export const githubHistoryApi: FastifyPluginAsync<{ model: ForgeModel }> = async (app, { model }) => {
  type Listing = { Params: { owner: string; repo: string }; Querystring: PageQuery & { since?: string } };
  type Events = { Params: { owner: string; repo: string; number: string }; Querystring: PageQuery };

  app.get<Listing>('/repos/:owner/:repo/issues', async (request, reply) => {
    const project = `${request.params.owner}/${request.params.repo}`;
    const since = request.query.since ? Date.parse(request.query.since) : -Infinity;
    const issues = model.issues
      .filter((issue) => issue.forge === 'github' && issue.project === project && Date.parse(issue.updatedAt) >= since)
      .sort(byCreation);
    return githubPage(issues, request, reply).map(githubIssueJson);
  });

  app.get<Events>('/repos/:owner/:repo/issues/:number/events', async (request, reply) => {
    const issue = model.find('github', `${request.params.owner}/${request.params.repo}`, Number(request.params.number));
    if (!issue) return reply.code(404).send({ message: 'Not Found' });
    return githubPage(issue.history, request, reply).map((event, n) => ({
      id: n + 1,
      actor: { login: event.actor },
      event: event.type === 'state' ? event.action : event.action === 'add' ? 'labeled' : 'unlabeled',
      created_at: event.at,
      ...(event.label === null ? {} : { label: { name: event.label, color: 'ededed' } }),
    }));
  });
};
