import { existsSync, readFileSync } from 'node:fs';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.js';

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(problems.length ? `${message}\n${problems.map((p) => `  - ${p}`).join('\n')}` : message);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_CONFIG_PATH = './boardkeeper.yml';

type Env = Record<string, string | undefined>;

/** `NAME`, or the contents of the file named by `NAME_FILE` (Docker/Kubernetes secrets), trimmed. */
export function secretFromEnv(env: Env, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(`${name}_FILE: cannot read ${file}: ${(error as Error).message}`);
    }
  }
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const child = target[head];
  const next = typeof child === 'object' && child !== null ? (child as Record<string, unknown>) : {};
  target[head] = next;
  setPath(next, rest, value);
}

const NUMERIC = (value: string) => (/^\d+$/.test(value) ? Number(value) : value);
const BOOLEAN = (value: string) =>
  /^(true|1|yes)$/i.test(value) ? true : /^(false|0|no)$/i.test(value) ? false : value;

/** Environment variable → config key path. Secrets also accept `NAME_FILE`. */
const ENV_KEYS: [name: string, path: string, convert?: (value: string) => unknown][] = [
  ['PORT', 'server.port', NUMERIC],
  ['HOST', 'server.host'],
  ['DATABASE_URL', 'store.databaseUrl'],
  ['BOARDKEEPER_DB_PATH', 'store.sqlitePath'],
  ['GITLAB_URL', 'gitlab.url'],
  ['GITLAB_WEBHOOK_SECRET', 'gitlab.webhookSecret'],
  ['GITLAB_TOKEN', 'gitlab.token'],
  ['GITHUB_API_URL', 'github.apiUrl'],
  ['GITHUB_WEBHOOK_SECRET', 'github.webhookSecret'],
  ['GITHUB_TOKEN', 'github.token'],
  ['GITHUB_APP_ID', 'github.app.appId'],
  ['GITHUB_APP_PRIVATE_KEY', 'github.app.privateKey'],
  ['GITHUB_APP_INSTALLATION_ID', 'github.app.installationId', NUMERIC],
  ['METRICS_TOKEN', 'metricsToken'],
  ['STATUS_SECRET', 'status.secret'],
  ['LOG_LEVEL', 'log.level'],
  ['LOG_FORMAT', 'log.format'],
  ['REPORTS_SLACK_URL', 'reports.digest.slack.url'],
  ['SMTP_HOST', 'reports.digest.email.host'],
  ['SMTP_PORT', 'reports.digest.email.port', NUMERIC],
  ['SMTP_SECURE', 'reports.digest.email.secure', BOOLEAN],
  ['SMTP_USER', 'reports.digest.email.user'],
  ['SMTP_PASSWORD', 'reports.digest.email.password'],
];

export const ENV_NAMES = ENV_KEYS.map(([name]) => name);

function applyEnv(raw: Record<string, unknown>, env: Env): void {
  for (const [name, path, convert] of ENV_KEYS) {
    const value = secretFromEnv(env, name);
    if (value !== undefined) setPath(raw, path.split('.'), convert ? convert(value) : value);
  }
}

/** `ALERT_<NAME>`: the environment prefix of an alert receiver's URL and secret. */
export const alertEnvPrefix = (receiverName: string): string =>
  `ALERT_${receiverName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

/** Alert receivers are declared in the file; their URL and secret may come from the environment. */
function applyAlertEnv(raw: Record<string, unknown>, env: Env): void {
  const alerts = raw.alerts;
  const receivers =
    typeof alerts === 'object' && alerts !== null ? (alerts as Record<string, unknown>).receivers : undefined;
  if (!Array.isArray(receivers)) return;
  for (const receiver of receivers) {
    if (typeof receiver !== 'object' || receiver === null || typeof receiver.name !== 'string') continue;
    const prefix = alertEnvPrefix(receiver.name);
    const url = secretFromEnv(env, `${prefix}_URL`);
    const secret = secretFromEnv(env, `${prefix}_SECRET`);
    if (url !== undefined) receiver.url = url;
    if (secret !== undefined) receiver.secret = secret;
  }
}

function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}

/** `line 3, column 4: <reason>`: where an editor jumps to, without echoing the file (it may hold secrets). */
function describeYamlError(error: YAMLError, lines: LineCounter): string {
  const { line, col } = lines.linePos(error.pos[0]);
  return `line ${line}, column ${col}: ${error.message}`;
}

function readYaml(path: string): Record<string, unknown> {
  const lines = new LineCounter();
  const document = parseDocument(readFileSync(path, 'utf8'), { prettyErrors: false, lineCounter: lines });
  if (document.errors.length)
    throw new ConfigError(
      `${path} is not valid YAML`,
      document.errors.map((e) => describeYamlError(e, lines)),
    );
  const value: unknown = document.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ConfigError(`${path}: the top level must be a mapping`);
  return value as Record<string, unknown>;
}

export interface LoadedConfig {
  config: Config;
  /** The file read, or null when none exists and defaults were used. */
  path: string | null;
}

/**
 * Read the YAML file (explicit path, else BOARDKEEPER_CONFIG, else ./boardkeeper.yml if present),
 * apply environment overrides, validate. Every problem is reported with its key path.
 */
export function loadConfig(options: { path?: string; env?: Env } = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const explicit = options.path ?? (env.BOARDKEEPER_CONFIG || undefined);
  const path = explicit ?? (existsSync(DEFAULT_CONFIG_PATH) ? DEFAULT_CONFIG_PATH : null);
  if (explicit && !existsSync(explicit)) throw new ConfigError(`config file not found: ${explicit}`);
  const raw = path ? readYaml(path) : {};
  applyEnv(raw, env);
  applyAlertEnv(raw, env);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success)
    throw new ConfigError(`invalid configuration${path ? ` in ${path}` : ''}`, formatIssues(parsed.error));
  return { config: parsed.data, path };
}

/** The secrets of a config, for log redaction and leak tests. */
export function secretsOf(config: Config): string[] {
  return [
    config.gitlab.webhookSecret,
    config.gitlab.token,
    config.github.webhookSecret,
    config.github.token,
    config.github.app?.privateKey,
    config.metricsToken,
    config.status.secret,
    ...config.alerts.receivers.flatMap((receiver) => [receiver.url, receiver.secret]),
    config.reports.digest.slack?.url,
    config.reports.digest.email?.password,
  ].filter((s): s is string => typeof s === 'string' && s.length > 0);
}
