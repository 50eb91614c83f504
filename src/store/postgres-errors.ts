import { StoreUnavailableError } from './store.js';

/** Socket-level failures: the server is down, restarting or unreachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs after which a retry later may succeed: shutdown/startup, too many connections, and
 * statement timeouts (an overloaded database should make intake answer 503, not 500).
 */
const TRANSIENT_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);

/** node-postgres reports a dropped or never-established connection only in the message. */
const LOST_CONNECTION =
  /Connection terminated|timeout exceeded when trying to connect|connection error|Client was closed/i;

export function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || TRANSIENT_SQLSTATES.has(code) || code.startsWith('08')) return true;
  }
  if (error instanceof AggregateError) return error.errors.some(isConnectionLoss);
  return LOST_CONNECTION.test(error.message);
}

/** Connection loss becomes StoreUnavailableError (intake answers 503); anything else is a bug and stays as is. */
export function translatePgError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !isConnectionLoss(error)) return error;
  const reason = error instanceof Error ? error.message || (error as { code?: string }).code : String(error);
  return new StoreUnavailableError(`PostgreSQL unavailable: ${reason}`, { cause: error });
}
