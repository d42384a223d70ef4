/**
 * Response headers for the UI pages and assets. The pages load one same-origin script that carries
 * the per-response nonce and one same-origin stylesheet; nothing else — no CDN, no inline script or
 * style, no fonts — so the CSP allows exactly that and the product can run on closed networks.
 */

/** A CSP nonce: base64 or base64url of at least 128 bits. Anything else is a programming error. */
const NONCE_PATTERN = /^[A-Za-z0-9+/_-]{22,}={0,2}$/;

/**
 * Throw unless `nonce` is a well-formed CSP nonce (it is interpolated into a header and an attribute).
 *
 * @example
 * assertNonce(randomBytes(16).toString('base64')); // ok
 */
export function assertNonce(nonce: string): void {
  if (!NONCE_PATTERN.test(nonce)) {
    throw new TypeError('UI nonce must be base64 of at least 16 random bytes');
  }
}

/**
 * Security headers for every UI response (pages and assets): a nonce-based CSP without external
 * origins, `frame-ancestors 'self'`, `nosniff`, a same-origin referrer policy and `no-store`
 * (pages show usernames and, once, a new token's surroundings).
 *
 * @example
 * const nonce = randomBytes(16).toString('base64');
 * for (const [name, value] of Object.entries(uiSecurityHeaders(nonce))) res.setHeader(name, value);
 */
export function uiSecurityHeaders(nonce: string): Record<string, string> {
  assertNonce(nonce);
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
    "base-uri 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'SAMEORIGIN',
    'Referrer-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}
