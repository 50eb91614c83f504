import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config/schema.js';
import { loadAssets } from '../dashboard/assets.js';
import { metricsQueryFor, parseDashboardQuery } from '../dashboard/query.js';
import { renderDashboard, renderQueryError, type AssetUrls } from '../dashboard/render.js';
import { dashboardView, linkTo } from '../dashboard/view.js';
import { FilterError, parseMetricsQuery } from '../metrics/table/filter.js';
import { inProcessAnswers, type MetricsAnswers } from '../metrics/runtime/answer-cache.js';
import { metricsSettings } from '../metrics/durations/settings.js';
import { issueWebUrl } from '../forges/web-links.js';
import type { Store } from '../store/store.js';
import { bearerGuard } from './auth.js';
import { markError, sendError } from './errors.js';

export interface DashboardRoutesOptions {
  store: Store;
  config: Config;
  now?: () => Date;
  /** The reports shared with /metrics; by default ones of their own, computed on this thread. */
  reports?: MetricsAnswers;
}

/** Scripts and styles only from the service's own files: no inline code, nothing from elsewhere. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  // The URL may carry the bearer token: never send it on, never keep the page in a shared cache.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * GET /dashboard (behind the metrics token, also accepted as `?token=`) and its static assets
 * under /dashboard/assets/ (public: they hold no data). The numbers are the /metrics report's.
 */
export const dashboardRoutes: FastifyPluginAsync<DashboardRoutesOptions> = async (app, options) => {
  const { store, config } = options;
  const now = options.now ?? (() => new Date());
  const settings = metricsSettings(config);
  const kpiDefinition = settings.definitions.find((definition) => definition.name === settings.kpi);
  const reports =
    options.reports ??
    inProcessAnswers(store, config, {
      now,
      onRefreshError: (error) =>
        app.log.warn({ err: error }, 'dashboard: refreshing the snapshot failed; serving the previous one'),
    });
  const assets = loadAssets();
  const assetUrl = (name: string) => `/dashboard/assets/${name}?v=${assets.get(name)?.version ?? 'missing'}`;
  const assetUrls: AssetUrls = {
    css: assetUrl('dashboard.css'),
    js: assetUrl('dashboard.js'),
    icon: assetUrl('icon.svg'),
  };

  app.get<{ Params: { name: string } }>('/dashboard/assets/:name', async (request, reply) => {
    const asset = assets.get(request.params.name);
    if (!asset) return reply.callNotFound();
    return reply
      .type(asset.contentType)
      .header('cache-control', 'public, max-age=86400')
      .header('x-content-type-options', 'nosniff')
      .send(asset.body);
  });

  app.get('/dashboard', { preHandler: bearerGuard(config.metricsToken) }, async (request, reply) => {
    reply.headers(PAGE_HEADERS);
    const rawToken = (request.query as Record<string, unknown>).token;
    const nowMs = now().getTime();
    let parsed: ReturnType<typeof parseDashboardQuery>;
    let metricsQuery: Record<string, string>;
    let filter: ReturnType<typeof parseMetricsQuery>;
    try {
      parsed = parseDashboardQuery(request.query);
      metricsQuery = metricsQueryFor(parsed.selection, nowMs);
      // The dashboard never sends `stage`, so no stage list is needed to validate it.
      filter = parseMetricsQuery(metricsQuery, []);
    } catch (error) {
      if (!(error instanceof FilterError)) throw error;
      const reset = linkTo('/dashboard', {}, typeof rawToken === 'string' ? rawToken : undefined);
      return markError(reply, 'BK_DASHBOARD_BAD_QUERY').send(renderQueryError(error.message, reset, assetUrls));
    }
    const answer = await reports.answer({ format: 'dashboard', filter: filter.filter, echo: filter.echo });
    if (!('dashboard' in answer)) throw new Error('dashboard: expected the report data');
    const { report, choices, storeHasTransitions } = answer.dashboard;
    const view = dashboardView(report, {
      selection: parsed.selection,
      metricsQuery,
      token: parsed.token,
      choices,
      storeHasTransitions,
      kpiDefinition,
    });
    return reply.send(renderDashboard(view, assetUrls));
  });

  // The page links each issue here: its address on the forge is in the store, not in the metrics table.
  app.get<{ Params: { forge: string; project: string; iid: string } }>(
    '/dashboard/issues/:forge/:project/:iid',
    { preHandler: bearerGuard(config.metricsToken) },
    async (request, reply) => {
      const { forge, project } = request.params;
      const iid = Number(request.params.iid);
      if ((forge !== 'gitlab' && forge !== 'github') || !Number.isSafeInteger(iid) || iid <= 0) {
        return sendError(reply, 'BK_NOT_FOUND');
      }
      const ref = { forge, project, iid } as const;
      return reply
        .header('referrer-policy', 'no-referrer')
        .redirect(issueWebUrl(ref, await store.getIssueState(ref), config), 302);
    },
  );
};
