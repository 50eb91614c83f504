import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Config } from '../config/schema.js';
import type { Store } from '../store/store.js';
import { buildReport } from '../metrics/aggregate.js';
import { issueReport, selectIssues } from '../metrics/compute.js';
import { CSV_CONTENT_TYPE, renderCsv } from '../metrics/csv.js';
import { issueFacts } from '../metrics/facts.js';
import { forecastOfIssue } from '../metrics/forecast/report.js';
import { FilterError, parseMetricsQuery, type MetricsFormat } from '../metrics/filter.js';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from '../metrics/prometheus.js';
import { metricsSettings } from '../metrics/settings.js';
import { tableBuilder, tableSnapshot, type TableSnapshot } from '../metrics/table-snapshot.js';
import { UNSTAGED } from '../metrics/walk.js';
import { bearerGuard } from './auth.js';

export interface MetricsRoutesOptions {
  store: Store;
  config: Config;
  now?: () => Date;
  /** The table snapshot shared with the other metrics routes; by default one of their own, built in this thread. */
  snapshot?: TableSnapshot;
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

const issueParams = z.object({
  forge: z.enum(['gitlab', 'github']),
  project: z.string().min(1),
  iid: z.coerce.number().int().positive(),
});

function badRequest(reply: FastifyReply, parameter: string, message: string) {
  return reply.code(400).send({ error: 'bad_request', parameter, message });
}

/** GET /metrics and GET /metrics/issues/:forge/:project/:iid, behind the optional bearer token. */
export const metricsRoutes: FastifyPluginAsync<MetricsRoutesOptions> = async (app, options) => {
  const { store, config } = options;
  const now = options.now ?? (() => new Date());
  const settings = metricsSettings(config);
  const stages = [...new Set([...settings.stageOrder, ...settings.terminalStages, UNSTAGED])];
  const snapshot =
    options.snapshot ??
    tableSnapshot(config, tableBuilder(store, settings), {
      now,
      onRefreshError: (error) => app.log.warn({ err: error }, 'metrics: refreshing the snapshot failed; serving the previous one'),
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
    const { asOfMs, table } = await snapshot.get();
    const selection = selectIssues(table, parsed.filter);
    const format = parsed.format ?? negotiate(request.headers.accept);
    if (format === 'json') return reply.send(buildReport(table, selection, settings, asOfMs, parsed.echo, parsed.limit));
    if (format === 'prometheus') return reply.type(PROMETHEUS_CONTENT_TYPE).send(renderPrometheus(table, selection, settings, asOfMs));
    return reply.type(CSV_CONTENT_TYPE).send(renderCsv(table, selection, settings));
  });

  app.get('/metrics/issues/:forge/:project/:iid', async (request, reply) => {
    const parsed = issueParams.safeParse(request.params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return badRequest(reply, String(issue.path[0]), issue.message);
    }
    const ref = parsed.data;
    const [transitions, state, { table }] = await Promise.all([store.transitions(ref), store.getIssueState(ref), snapshot.get()]);
    const [facts] = issueFacts(transitions, state ? [state] : []);
    if (!facts) return reply.code(404).send({ error: 'not_found', message: 'no transitions recorded for this issue' });
    // The forecast comes from the snapshot: simulating is the snapshot build's work, never a request's.
    return reply.send(issueReport(facts, transitions, settings, now().getTime(), forecastOfIssue(table, ref, settings)));
  });
};
