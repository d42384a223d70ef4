/** Errors of the gateway's crypto helpers. Messages never contain a secret or a hash. */

/** Stable codes of {@link CryptoError}. */
export type CryptoErrorCode =
  /** The worker running the job died (crash, out of memory); it has been replaced. */
  | 'WORKER_FAILED'
  /** The job itself failed inside the worker (e.g. bcrypt refused its arguments). */
  | 'JOB_FAILED'
  /** `close()` was called; the job was not run or not finished. */
  | 'CLOSED'
  /** A secret longer than bcrypt's 72-byte input limit was given to `hash()`. */
  | 'SECRET_TOO_LONG';

/**
 * Thrown (as a rejected promise) by the worker pool and the secret hasher.
 *
 * @example
 * ```ts
 * try {
 *   await hasher.hash(secret);
 * } catch (err) {
 *   if (err instanceof CryptoError && err.code === 'WORKER_FAILED') retryLater();
 * }
 * ```
 */
export class CryptoError extends Error {
  override readonly name = 'CryptoError';

  constructor(
    readonly code: CryptoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
