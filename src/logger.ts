import { createRequire } from 'node:module';
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

export type LogFormat = 'auto' | 'json' | 'pretty';

type PrettyFactory = (options: Record<string, unknown>) => DestinationStream;

/** pino-pretty is a development dependency: a production install (`--omit=dev`) has none. */
function prettyFactory(): PrettyFactory | null {
  try {
    return createRequire(import.meta.url)('pino-pretty') as PrettyFactory;
  } catch {
    return null;
  }
}

/**
 * `auto`: human lines on a terminal (when pino-pretty is installed), JSON lines otherwise, so log
 * collectors always get JSON. Threads have no terminal: they are given what the main thread chose.
 */
export function resolveLogFormat(
  format: LogFormat,
  terminal: boolean = process.stdout.isTTY === true,
): 'json' | 'pretty' {
  if (format !== 'auto') return format;
  return terminal && prettyFactory() !== null ? 'pretty' : 'json';
}

function prettyStream(destination: DestinationStream | undefined): DestinationStream {
  const factory = prettyFactory();
  if (!factory)
    throw new Error(
      'log.format pretty (LOG_FORMAT) needs the pino-pretty package: npm install pino-pretty, or use json',
    );
  return factory({
    destination: destination ?? 1,
    sync: true,
    colorize: !destination,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  });
}

export function createLogger(options: {
  level: string;
  destination?: DestinationStream;
  name?: string;
  format?: LogFormat;
}): Logger {
  const pretty = resolveLogFormat(options.format ?? 'json') === 'pretty';
  return pino(
    {
      name: options.name ?? 'boardkeeper',
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pretty ? prettyStream(options.destination) : options.destination,
  );
}

export type { Logger };
