import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config/schema.js';
import { loadAssets } from '../dashboard/assets.js';
import { answerIssue } from '../metrics/runtime/issue-answer.js';
import { inProcessAnswers, type MetricsAnswers } from '../metrics/runtime/answer-cache.js';
import { metricsSettings } from '../metrics/durations/settings.js';
import { renderStatusPage } from '../status/render.js';
import { verifyStatusToken } from '../status/token.js';
import { statusView } from '../status/view.js';
import type { Store } from '../store/store.js';
import { PAGE_HEADERS } from './dashboard.js';

export interface StatusRoutesOptions {
  store: Store;
  config: Config;
  now?: () => Date;
  /** The reports shared with /metrics (for the forecast); by default ones of their own. */
  reports?: MetricsAnswers;
}

/** A link holder's page must not end up in a search engine, whatever it answers. */
const NOINDEX = { 'x-robots-tag': 'noindex, nofollow' };

/**
 * GET /status/:token: one engagement's read-only page for people outside the team; the token is
 * the only credential (no metrics token). Every failure — no secret configured, a malformed,
 * tampered, expired or revoked token, an issue with nothing recorded — is the service's plain 404,
 * so a caller learns nothing from it. Styles and icon are the dashboard's public assets.
 */
export const statusRoutes: FastifyPluginAsync<StatusRoutesOptions> = async (app, options) => {
  const { store, config } = options;
  const now = options.now ?? (() => new Date());
  const settings = metricsSettings(config);
  const kpiTargetMs = settings.definitions.find((definition) => definition.name === settings.kpi)?.targetMs ?? null;
  const kpi = { name: settings.kpi, targetDays: kpiTargetMs === null ? null : kpiTargetMs / 86_400_000 };
  const reports =
    options.reports ??
    inProcessAnswers(store, config, {
      now,
      onRefreshError: (error) =>
        app.log.warn({ err: error }, 'status: refreshing the metrics table failed; serving the previous one'),
    });
  const assets = loadAssets();
  const assetUrl = (name: string) => `/dashboard/assets/${name}?v=${assets.get(name)?.version ?? 'missing'}`;
  const assetUrls = { css: assetUrl('dashboard.css'), icon: assetUrl('icon.svg') };

  // A wildcard, not `:token`: fastify refuses path parameters over 100 characters with a 414, and a
  // token grows with the project's path.
  app.get<{ Params: { '*': string } }>('/status/*', async (request, reply) => {
    reply.headers(NOINDEX);
    const at = now();
    const secret = config.status.secret;
    const grant = secret ? verifyStatusToken(request.params['*'], secret, at) : null;
    const answered = grant && (await answerIssue(store, reports, settings, grant.issue, at.getTime()));
    if (!grant || !answered) return reply.callNotFound();
    const view = statusView({ report: answered.report, state: answered.state, kpi, expiresAt: grant.expiresAt });
    return reply.headers(PAGE_HEADERS).send(renderStatusPage(view, assetUrls));
  });
};
