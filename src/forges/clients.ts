import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { GithubAuth, type GithubCredentials } from './github/auth.js';
import { GithubClient } from './github/client.js';
import { GitlabClient } from './gitlab/client.js';
import { DISCARD_METRICS, type MetricsSink } from '../observability/events.js';
import { forgeCallObserver } from './request-metrics.js';
import { RequestPolicy, type RequestPolicyOptions } from './request-policy.js';

/** A null client means dry-run for that forge: actions are audited as planned, not executed. */
export interface ForgeClients {
  gitlab: GitlabClient | null;
  github: GithubClient | null;
}

/** Test and benchmark knobs (quick retries, timeouts, a fake sleep); production uses the defaults. */
export type PolicyOverrides = Omit<RequestPolicyOptions, 'concurrency' | 'observer'>;

function githubCredentials(config: Config): GithubCredentials | null {
  if (config.github.token) return { token: config.github.token };
  if (config.github.app) return { app: config.github.app };
  return null;
}

/** Which forges act for real: credentials present and dryRun not forced. The one rule for it. */
export function liveForges(config: Config): { gitlab: boolean; github: boolean } {
  const forcedDryRun = config.dryRun === true;
  return {
    gitlab: !forcedDryRun && Boolean(config.gitlab.token),
    github: !forcedDryRun && githubCredentials(config) !== null,
  };
}

export function createForgeClients(
  config: Config,
  log: Pick<Logger, 'info'>,
  overrides: PolicyOverrides = {},
  metrics: MetricsSink = DISCARD_METRICS,
): ForgeClients {
  return buildClients(config, log, (forge) => ({ ...overrides, concurrency: config[forge].concurrency }), 1, metrics);
}

/**
 * Clients for `backfill`: `backfill.concurrency` requests in flight (several issues' histories read
 * at once), and rate limits waited out up to `backfill.maxWaitSeconds` instead of handed back, since
 * there is no engine to reschedule.
 */
export function createBackfillClients(
  config: Config,
  log: Pick<Logger, 'info'>,
  overrides: PolicyOverrides = {},
): ForgeClients {
  const { concurrency, maxWaitSeconds, retries } = config.backfill;
  return buildClients(
    config,
    log,
    () => ({ quickRetries: retries, maxInCallWaitMs: maxWaitSeconds * 1000, ...overrides, concurrency }),
    concurrency,
    DISCARD_METRICS,
  );
}

function buildClients(
  config: Config,
  log: Pick<Logger, 'info'>,
  policyOptions: (forge: 'gitlab' | 'github') => RequestPolicyOptions,
  historyConcurrency: number,
  metrics: MetricsSink,
): ForgeClients {
  const live = liveForges(config);
  const githubAuth = live.github ? githubCredentials(config) : null;

  const gitlab = live.gitlab
    ? new GitlabClient({
        url: config.gitlab.url,
        token: config.gitlab.token!,
        policy: new RequestPolicy({ ...policyOptions('gitlab'), observer: forgeCallObserver(metrics, 'gitlab') }),
        historyConcurrency,
      })
    : null;
  const github = githubAuth
    ? new GithubClient({
        auth: new GithubAuth(
          config.github.apiUrl,
          githubAuth,
          new RequestPolicy({ ...policyOptions('github'), observer: forgeCallObserver(metrics, 'github') }),
        ),
        project: config.github.project,
        historyConcurrency,
      })
    : null;

  for (const [forge, client] of Object.entries({ gitlab, github })) {
    const why = config.dryRun === true ? 'dryRun is true' : 'no credentials configured';
    if (!client) log.info({ forge }, `${forge}: dry-run (${why}); actions are recorded in the audit log, not executed`);
  }
  return { gitlab, github };
}
