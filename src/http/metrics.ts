import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Config } from '../config/schema.js';
import type { Store } from '../store/store.js';
import type { MetricsQuery } from '../metrics/runtime/answer.js';
import { CSV_CONTENT_TYPE } from '../metrics/formats/csv.js';
import { FilterError, parseMetricsQuery, type MetricsFormat } from '../metrics/table/filter.js';
import { PROMETHEUS_CONTENT_TYPE } from '../metrics/formats/prometheus.js';
import { inProcessAnswers, type MetricsAnswers } from '../metrics/runtime/answer-cache.js';
import { answerIssue } from '../metrics/runtime/issue-answer.js';
import { metricsSettings } from '../metrics/durations/settings.js';
import { UNSTAGED } from '../metrics/durations/walk.js';
import { bearerGuard } from './auth.js';
import { sendError } from './errors.js';

export interface MetricsRoutesOptions {
  store: Store;
  config: Config;
  now?: () => Date;
  /** The reports shared with the dashboard; by default ones of their own, computed on this thread. */
  reports?: MetricsAnswers;
}

/** The format asked for by `Accept` when `?format` is absent: the first type we can serve wins. */
function negotiate(accept: string | undefined): MetricsFormat {
  const offered: [RegExp, MetricsFormat][] = [
    [/application\/json/, 'json'],
    [/text\/plain|application\/openmetrics-text/, 'prometheus'],
    [/text\/csv/, 'csv'],
  ];
  const positions = offered
    .map(([pattern, format]) => ({ format, at: accept?.search(pattern) ?? -1 }))
    .filter(({ at }) => at >= 0)
    .sort((a, b) => a.at - b.at);
  return positions[0]?.format ?? 'json';
}

const CONTENT_TYPES: Record<MetricsFormat, string> = {
  json: 'application/json; charset=utf-8',
  prometheus: PROMETHEUS_CONTENT_TYPE,
  csv: CSV_CONTENT_TYPE,
};

export const issueParams = z.object({
  forge: z.enum(['gitlab', 'github']),
  project: z.string().min(1),
  iid: z.coerce.number().int().positive(),
});

function badRequest(reply: FastifyReply, parameter: string, message: string) {
  return sendError(reply, 'BK_METRICS_BAD_QUERY', { parameter, message });
}

/** GET /metrics and GET /metrics/issues/:forge/:project/:iid, behind the optional bearer token. */
export const metricsRoutes: FastifyPluginAsync<MetricsRoutesOptions> = async (app, options) => {
  const { store, config } = options;
  const now = options.now ?? (() => new Date());
  const settings = metricsSettings(config);
  const stages = [...new Set([...settings.stageOrder, ...settings.terminalStages, UNSTAGED])];
  const reports =
    options.reports ??
    inProcessAnswers(store, config, {
      now,
      onRefreshError: (error) =>
        app.log.warn({ err: error }, 'metrics: refreshing the table failed; serving the previous one'),
    });

  app.addHook('preHandler', bearerGuard(config.metricsToken));

  app.get('/metrics', async (request, reply) => {
    let parsed: ReturnType<typeof parseMetricsQuery>;
    try {
      parsed = parseMetricsQuery(request.query, stages);
    } catch (error) {
      if (error instanceof FilterError) return badRequest(reply, error.parameter, error.message);
      throw error;
    }
    const format = parsed.format ?? negotiate(request.headers.accept);
    const query: MetricsQuery =
      format === 'json'
        ? { format, filter: parsed.filter, echo: parsed.echo, limit: parsed.limit }
        : { format, filter: parsed.filter };
    const answer = await reports.answer(query);
    if (!('body' in answer)) throw new Error('metrics: expected a response body');
    return reply.type(CONTENT_TYPES[format]).send(answer.body);
  });

  app.get('/metrics/issues/:forge/:project/:iid', async (request, reply) => {
    const parsed = issueParams.safeParse(request.params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return badRequest(reply, String(issue.path[0]), issue.message);
    }
    const answered = await answerIssue(store, reports, settings, parsed.data, now().getTime());
    if (!answered)
      return sendError(reply, 'BK_METRICS_ISSUE_NOT_FOUND', { message: 'no transitions recorded for this issue' });
    return reply.send(answered.report);
  });
};
