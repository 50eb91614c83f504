import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ForgeName } from '../../domain/types.js';
import type { SimLogEntry, WebhookSender } from './sender.js';

export interface HooksApiOptions {
  sender: WebhookSender;
  /** Where the hook posts, as the forge shows it (`<target>/webhooks/<forge>`). */
  hookUrl: (forge: ForgeName) => string;
  /** false: the delivery log endpoints answer 404 (an older GitLab, a plan without it). */
  logAvailable: () => boolean;
}

interface PageQuery {
  page?: string;
  per_page?: string;
  cursor?: string;
}

const newestFirst = (sender: WebhookSender, forge: ForgeName) =>
  sender.log.filter((entry) => entry.forge === forge).reverse();

function pageOf(entries: SimLogEntry[], query: PageQuery) {
  const perPage = Math.min(100, Math.max(1, Number(query.per_page ?? 20)));
  // GitHub's cursor and GitLab's page both name an offset here.
  const start =
    query.cursor !== undefined ? Number(query.cursor) : (Math.max(1, Number(query.page ?? 1)) - 1) * perPage;
  return {
    items: entries.slice(start, start + perPage),
    next: start + perPage < entries.length ? start + perPage : null,
    perPage,
  };
}

/** GitLab's project hooks with alert_status, their event log (`/events`) and resend. */
export const gitlabHooksApi: FastifyPluginAsync<HooksApiOptions> = async (app, { sender, hookUrl, logAvailable }) => {
  type HookParams = { project: string; hook: string };
  const hookJson = () => {
    const hook = sender.hooks.gitlab;
    return {
      id: hook.id,
      url: hookUrl('gitlab'),
      issues_events: true,
      note_events: true,
      alert_status: hook.alertStatus,
      disabled_until: hook.disabledUntil,
    };
  };
  const known = (params: HookParams, reply: FastifyReply) => {
    if (Number(params.hook) === sender.hooks.gitlab.id) return true;
    void reply.code(404).send({ message: '404 Not found' });
    return false;
  };
  app.get('/projects/:project/hooks', async () => [hookJson()]);
  app.get<{ Params: HookParams }>('/projects/:project/hooks/:hook', async (request, reply) =>
    known(request.params, reply) ? hookJson() : reply,
  );
  app.get<{ Params: HookParams; Querystring: PageQuery }>(
    '/projects/:project/hooks/:hook/events',
    async (request, reply) => {
      if (!logAvailable()) return reply.code(404).send({ error: '404 Not Found' });
      if (!known(request.params, reply)) return reply;
      const page = pageOf(newestFirst(sender, 'gitlab'), request.query);
      void reply.header('x-next-page', page.next === null ? '' : String(page.next / page.perPage + 1));
      return page.items.map((entry) => ({
        id: entry.logId,
        url: hookUrl('gitlab'),
        trigger: 'issue_hooks',
        request_headers: {
          'Content-Type': 'application/json',
          'X-Gitlab-Event': entry.event,
          'X-Gitlab-Event-UUID': entry.deliveryId,
          'Idempotency-Key': entry.idempotencyKey,
          'X-Gitlab-Token': '[REDACTED]',
        },
        request_data: JSON.parse(entry.body) as unknown,
        response_headers: {},
        response_body: '',
        execution_duration: 0.01,
        response_status: entry.status === null ? 'internal error' : String(entry.status),
        created_at: entry.at,
      }));
    },
  );
  app.post<{ Params: HookParams & { event: string } }>(
    '/projects/:project/hooks/:hook/events/:event/resend',
    async (request, reply) => {
      if (!logAvailable()) return reply.code(404).send({ error: '404 Not Found' });
      if (!known(request.params, reply)) return reply;
      if (!sender.redeliver('gitlab', Number(request.params.event)))
        return reply.code(404).send({ message: '404 Not found' });
      return reply.code(201).send({});
    },
  );
};

/** GitHub's repository hooks with active / last_response, their delivery log (cursor pages) and redelivery attempts. */
export const githubHooksApi: FastifyPluginAsync<HooksApiOptions> = async (app, { sender, hookUrl, logAvailable }) => {
  type HookParams = { owner: string; repo: string; hook: string };
  const hookJson = () => {
    const hook = sender.hooks.github;
    const code = hook.lastResponseCode;
    return {
      type: 'Repository',
      id: hook.id,
      name: 'web',
      active: hook.active,
      events: ['issues', 'issue_comment', 'projects_v2_item'],
      config: { url: hookUrl('github'), content_type: 'json', insecure_ssl: '0' },
      last_response: { code, status: code === null ? 'unused' : code < 300 ? 'active' : 'failed', message: null },
    };
  };
  const known = (params: HookParams, reply: FastifyReply) => {
    if (Number(params.hook) === sender.hooks.github.id) return true;
    void reply.code(404).send({ message: 'Not Found' });
    return false;
  };
  const base = '/repos/:owner/:repo/hooks';
  app.get(base, async () => [hookJson()]);
  app.get<{ Params: HookParams }>(`${base}/:hook`, async (request, reply) =>
    known(request.params, reply) ? hookJson() : reply,
  );
  app.get<{ Params: HookParams; Querystring: PageQuery }>(`${base}/:hook/deliveries`, async (request, reply) => {
    if (!logAvailable()) return reply.code(404).send({ message: 'Not Found' });
    if (!known(request.params, reply)) return reply;
    const page = pageOf(newestFirst(sender, 'github'), { per_page: '30', ...request.query });
    if (page.next !== null) {
      const url = new URL(request.url, `http://${request.headers.host}`);
      url.searchParams.set('cursor', String(page.next));
      void reply.header('link', `<${url.href}>; rel="next"`);
    }
    return page.items.map((entry) => ({
      id: entry.logId,
      guid: entry.deliveryId,
      delivered_at: entry.at,
      redelivery: entry.redelivery,
      duration: 0.01,
      status: entry.status === null ? 'failed to connect' : String(entry.status),
      status_code: entry.status ?? 0,
      event: entry.event,
      action: entry.action,
      installation_id: null,
      repository_id: 1,
      throttled_at: null,
    }));
  });
  app.post<{ Params: HookParams & { delivery: string } }>(
    `${base}/:hook/deliveries/:delivery/attempts`,
    async (request, reply) => {
      if (!logAvailable()) return reply.code(404).send({ message: 'Not Found' });
      if (!known(request.params, reply)) return reply;
      if (!sender.redeliver('github', Number(request.params.delivery)))
        return reply.code(404).send({ message: 'Not Found' });
      return reply.code(202).send({});
    },
  );
};
