/**
 * Keyed digests for in-memory lookup keys, and constant-time comparison of secrets.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Returns an HMAC-SHA256 function (base64url output) under `key` — by default 32 random bytes drawn
 * once per process. The verified-token cache is keyed by it, so the cache never holds a presented
 * token, and its keys are useless outside this process (no offline guessing from a heap dump).
 *
 * @example
 * ```ts
 * const digest = createKeyedDigest();
 * cache.set(digest(presentedToken), verified);
 * ```
 */
export function createKeyedDigest(key: Buffer = randomBytes(32)): (text: string) => string {
  if (!Buffer.isBuffer(key) || key.length < 16)
    throw new TypeError('the digest key must be a Buffer of at least 16 bytes');
  const secretKey = Buffer.from(key);
  return (text: string): string => createHmac('sha256', secretKey).update(text, 'utf8').digest('base64url');
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Constant-time string equality: both sides are hashed to equal-length SHA-256 digests first, so
 * neither the position of the first difference nor the length of the expected value leaks.
 *
 * @example
 * ```ts
 * constantTimeEqual(req.headers['x-api-token-auth-secret'] ?? '', configuredSecret);
 * ```
 */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}
