/**
 * How a failed forge call should be treated. Forge clients translate their HTTP errors into
 * this one class so the engine decides retry / dead-letter without knowing the forge.
 */
export type ForgeErrorKind =
  /** 429 or 5xx or a network error: retry with backoff, honouring retryAfterMs. */
  | 'transient'
  /** 401/403: a configuration problem; retrying will not help until someone fixes the token. */
  | 'auth'
  /** 404/410: the issue was deleted or moved; record and skip. */
  | 'not-found'
  /** Any other 4xx: dead-letter with the forge's message. */
  | 'rejected';

export class ForgeError extends Error {
  constructor(
    readonly kind: ForgeErrorKind,
    message: string,
    readonly status: number | null,
    readonly retryAfterMs: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ForgeError';
  }
}

export function isForgeError(error: unknown): error is ForgeError {
  return error instanceof ForgeError;
}
