import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { SERVICE_ACTORS, type ForgeModel, type SimIssue } from './model.js';

interface IssueParams {
  project: string;
  iid: string;
}

interface IssueEdit {
  add_labels?: string;
  remove_labels?: string;
  labels?: string;
  state_event?: 'close' | 'reopen';
  description?: string;
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean);

/** An issue as `GET /projects/:id/issues/:iid` returns it (the fields our client reads, and a few more). */
export function issueJson(issue: SimIssue) {
  return {
    id: issue.id,
    iid: issue.iid,
    project_id: Number(issue.project),
    title: issue.title,
    description: issue.body,
    state: issue.state === 'closed' ? 'closed' : 'opened',
    labels: issue.labels,
    author: { username: issue.author },
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    web_url: `https://gitlab.example.com/acme/services/-/issues/${issue.iid}`,
  };
}

function noteJson(note: SimIssue['comments'][number]) {
  return { id: note.id, body: note.body, system: false, author: { username: note.author } };
}

/**
 * The GitLab REST endpoints boardkeeper's client calls (src/forges/gitlab/client.ts): read an issue,
 * edit its labels and state in one PUT, and list / create / edit its notes.
 */
export const gitlabApi: FastifyPluginAsync<{ model: ForgeModel }> = async (app, { model }) => {
  const bot = SERVICE_ACTORS.gitlab;
  const issueOr404 = (params: IssueParams, reply: FastifyReply): SimIssue | null => {
    const issue = model.find('gitlab', params.project, Number(params.iid));
    if (!issue) void reply.code(404).send({ message: '404 Issue Not Found' });
    return issue ?? null;
  };

  app.get<{ Params: IssueParams }>('/projects/:project/issues/:iid', async (request, reply) => {
    const issue = issueOr404(request.params, reply);
    return issue ? issueJson(issue) : reply;
  });

  app.put<{ Params: IssueParams; Body: IssueEdit }>('/projects/:project/issues/:iid', async (request, reply) => {
    const issue = issueOr404(request.params, reply);
    if (!issue) return reply;
    const edit = request.body ?? {};
    const remove =
      edit.labels !== undefined ? issue.labels.filter((l) => !list(edit.labels).includes(l)) : list(edit.remove_labels);
    const add = edit.labels !== undefined ? list(edit.labels) : list(edit.add_labels);
    model.changeLabels(issue, add, remove, bot);
    if (edit.state_event) model.setState(issue, edit.state_event === 'close' ? 'closed' : 'open', bot);
    if (edit.description !== undefined) model.editBody(issue, edit.description, bot);
    return issueJson(issue);
  });

  app.get<{ Params: IssueParams }>('/projects/:project/issues/:iid/notes', async (request, reply) => {
    const issue = issueOr404(request.params, reply);
    return issue ? issue.comments.map(noteJson) : reply;
  });

  app.post<{ Params: IssueParams; Body: { body?: string } }>(
    '/projects/:project/issues/:iid/notes',
    async (request, reply) => {
      const issue = issueOr404(request.params, reply);
      if (!issue) return reply;
      const note = { id: model.newCommentId(), body: request.body?.body ?? '', author: bot.login };
      issue.comments.push(note);
      return reply.code(201).send(noteJson(note));
    },
  );

  app.put<{ Params: IssueParams & { note: string }; Body: { body?: string } }>(
    '/projects/:project/issues/:iid/notes/:note',
    async (request, reply) => {
      const issue = issueOr404(request.params, reply);
      if (!issue) return reply;
      const note = issue.comments.find((c) => c.id === Number(request.params.note));
      if (!note) return reply.code(404).send({ message: '404 Note Not Found' });
      note.body = request.body?.body ?? note.body;
      return noteJson(note);
    },
  );
};
