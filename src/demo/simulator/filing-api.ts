import type { FastifyPluginAsync } from 'fastify';
import { issueJson as githubIssueJson } from './github-api.js';
import { issueJson as gitlabIssueJson } from './gitlab-api.js';
import { SERVICE_ACTORS, type ForgeModel } from './model.js';

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * Filing a new issue as the service does for reports (src/forges/*\/client.ts `createIssue`):
 * GitLab `POST /projects/:id/issues`, GitHub `POST /repos/:owner/:repo/issues`. The issue is
 * opened by the service's bot account, so its webhook reaches the service as the bot's own change.
 */
export const gitlabFilingApi: FastifyPluginAsync<{ model: ForgeModel }> = async (app, { model }) => {
  app.post<{ Params: { project: string }; Body: { title?: string; description?: string; labels?: string } }>(
    '/projects/:project/issues',
    async (request, reply) => {
      if (request.params.project !== model.projects.gitlab)
        return reply.code(404).send({ message: '404 Project Not Found' });
      const { title, description, labels } = request.body ?? {};
      if (!title) return reply.code(400).send({ message: 'title is missing' });
      const issue = model.open({
        forge: 'gitlab',
        title,
        body: description ?? '',
        labels: list(labels),
        author: SERVICE_ACTORS.gitlab.login,
        bot: true,
        at: Date.now(),
      });
      return reply.code(201).send(gitlabIssueJson(issue));
    },
  );
};

export const githubFilingApi: FastifyPluginAsync<{ model: ForgeModel }> = async (app, { model }) => {
  app.post<{ Params: { owner: string; repo: string }; Body: { title?: string; body?: string; labels?: string[] } }>(
    '/repos/:owner/:repo/issues',
    async (request, reply) => {
      if (`${request.params.owner}/${request.params.repo}` !== model.projects.github)
        return reply.code(404).send({ message: 'Not Found' });
      const { title, body, labels } = request.body ?? {};
      if (!title)
        return reply.code(422).send({
          message: 'Validation Failed',
          errors: [{ resource: 'Issue', code: 'missing_field', field: 'title' }],
        });
      if ((body ?? '').length > 65_536) {
        return reply.code(422).send({
          message: 'Validation Failed',
          errors: [
            {
              resource: 'Issue',
              code: 'custom',
              field: 'body',
              message: 'body is too long (maximum is 65536 characters)',
            },
          ],
        });
      }
      const issue = model.open({
        forge: 'github',
        title,
        body: body ?? '',
        labels: labels ?? [],
        author: SERVICE_ACTORS.github.login,
        bot: true,
        at: Date.now(),
      });
      return reply.code(201).send(githubIssueJson(issue));
    },
  );
};
