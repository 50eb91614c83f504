import pino, { type DestinationStream, type Logger } from 'pino';

/** Paths pino blanks out wherever they appear in a log line. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-gitlab-token"]',
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-hub-signature"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-gitlab-token"]',
  'headers["x-hub-signature-256"]',
  '*.token',
  '*.webhookSecret',
  '*.privateKey',
  '*.metricsToken',
  '*.password',
  'config.gitlab',
  'config.github',
  // Alert receivers' URLs are secrets too (a Slack webhook URL is its own credential).
  'config.alerts',
  '*.secret',
];

export function createLogger(options: { level: string; destination?: DestinationStream; name?: string }): Logger {
  return pino(
    {
      name: options.name ?? 'boardkeeper',
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

export type { Logger };
