/**
 * Keyed digests for in-memory lookup keys, and constant-time comparison of secrets.
 */
import { createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Returns a keyed SHA-256 function (base64url output): SHA-256 over `key` (as base64url text) followed
 * by the text (UTF-8). `key` is by default 32 random bytes drawn once per process. The verified-token
 * cache is keyed by it, so the cache never holds a presented token, and its keys are useless outside
 * this process (no offline guessing from a heap dump).
 *
 * Not HMAC, on purpose: this runs on every warm token request, and Node's one-shot `crypto.hash` costs a
 * sixth of a `createHmac` object (issue 6 profile). A secret-prefix hash is open to length extension
 * only for someone who sees a digest; these digests never leave the process, and the texts hashed are
 * random tokens, so the prefix serves only to make a heap dump's keys unusable for guessing.
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
  // The key as base64url text: prefix and text are one string, hashed (as UTF-8) in one call.
  const prefix = key.toString('base64url');
  return (text: string): string => hash('sha256', prefix + text, 'base64url');
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

/**
 * Constant-time equality of two texts, without hashing: every character is compared whatever the
 * first difference, so the time taken shows only whether the lengths differ. For comparing a header
 * with the one sent before it on the same connection (issue 6: `constantTimeEqual`'s two digests would
 * cost more than the work the comparison saves). Where the length of the expected value is itself
 * secret, use {@link constantTimeEqual}.
 *
 * @example
 * ```ts
 * constantTimeSameText(req.headers.authorization ?? '', previousAuthorization);
 * ```
 */
export function constantTimeSameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
