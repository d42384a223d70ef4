/**
 * Classification of the `Authorization` header (DESIGN §2 "Authentication policy", §3 "Credential
 * classification"). A token is recognised by its format, never by trying it against storage.
 */
import { isSchemeToken, isToken68 } from './character-classes.js';
import { TokenPolicyError } from './errors.js';
import { decodeBase64, decodeUtf8 } from './text-decoding.js';
import { TOKEN_PREFIX, parseToken } from './token-format.js';
import type { ParsedToken } from './types.js';

/** Headers longer than this (8 KiB) are malformed; Node's header strings have one char per byte. */
export const MAX_AUTHORIZATION_LENGTH = 8192;

/** Why a header is malformed (stable codes; the gateway answers 400 and forwards nothing). */
export type MalformedReason =
  /** Present but empty or only whitespace. */
  | 'EMPTY'
  /** Longer than {@link MAX_AUTHORIZATION_LENGTH}. */
  | 'TOO_LARGE'
  /** The scheme is not an RFC 9110 token. */
  | 'INVALID_SCHEME'
  /** `Basic` or `Bearer` without anything after it. */
  | 'MISSING_CREDENTIALS'
  /** `Basic` with something that is not standard base64. */
  | 'INVALID_BASE64'
  /** `Basic` whose decoded bytes are not UTF-8. */
  | 'INVALID_UTF8'
  /** `Basic` without the `:` between username and password. */
  | 'MISSING_COLON'
  /** `Basic` with an empty username. */
  | 'EMPTY_USERNAME'
  /**
   * `Basic` whose username contains a control character (C0, DEL or C1). No product account has such
   * a name, and it could not be carried in the identity header or named in a reset URL.
   */
  | 'INVALID_USERNAME'
  /** `Bearer` with a value that is not an RFC 6750 token68 (e.g. contains spaces). */
  | 'INVALID_BEARER';

/** What an `Authorization` header carries. */
export type Credential =
  /** No header: anonymous or cookie session. */
  | { kind: 'none' }
  /** A well-formed token (checksum correct), with the Basic username if it came as `Basic user:token`. */
  | { kind: 'token'; username?: string; token: ParsedToken }
  /**
   * Token-shaped (starts with `ata_`) but not a valid token: a typo, a truncation. It is refused as an
   * invalid token and counted — never forwarded as a password, so a typo never reaches the product.
   */
  | { kind: 'invalid-token'; username?: string }
  /** `Basic user:password` whose secret is not token-shaped. */
  | { kind: 'password'; username: string; password: string }
  /** Any other scheme, or a `Bearer` value that is not token-shaped (e.g. the product's own PAT). */
  | { kind: 'other'; scheme: string }
  /** Cannot be read at all. */
  | { kind: 'malformed'; reason: MalformedReason };

/** Space or tab (RFC 9110 optional whitespace). */
function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/**
 * The scheme and the credentials of a header value: spaces and tabs around the value are ignored, the
 * scheme runs to the first space or tab, and the credentials start after the spaces and tabs that
 * follow it. `null` for a value of nothing but spaces and tabs. (A character loop rather than regular
 * expressions: this runs on every request, issue 6.)
 *
 * @internal exported for the property test that compares it with the regular-expression reading.
 */
export function splitAuthorization(header: string): { scheme: string; value: string } | null {
  let start = 0;
  let end = header.length;
  while (start < end && isOws(header.charCodeAt(start))) start++;
  while (end > start && isOws(header.charCodeAt(end - 1))) end--;
  if (start === end) return null;
  let schemeEnd = start;
  while (schemeEnd < end && !isOws(header.charCodeAt(schemeEnd))) schemeEnd++;
  let valueStart = schemeEnd;
  while (valueStart < end && isOws(header.charCodeAt(valueStart))) valueStart++;
  return { scheme: header.slice(start, schemeEnd), value: header.slice(valueStart, end) };
}

function looksLikeToken(secret: string): boolean {
  return secret.slice(0, TOKEN_PREFIX.length).toLowerCase() === TOKEN_PREFIX;
}

function classifySecret(secret: string, username: string | undefined): Credential | null {
  if (!looksLikeToken(secret)) return null;
  const token = parseToken(secret);
  if (token === null)
    return username === undefined ? { kind: 'invalid-token' } : { kind: 'invalid-token', username };
  return username === undefined ? { kind: 'token', token } : { kind: 'token', username, token };
}

/** C0 controls, DEL and C1 controls. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

function classifyBasic(value: string): Credential {
  const bytes = decodeBase64(value);
  if (bytes === null) return { kind: 'malformed', reason: 'INVALID_BASE64' };
  const decoded = decodeUtf8(bytes);
  if (decoded === null) return { kind: 'malformed', reason: 'INVALID_UTF8' };
  // RFC 7617: the username cannot contain ':', the password may.
  const colon = decoded.indexOf(':');
  if (colon === -1) return { kind: 'malformed', reason: 'MISSING_COLON' };
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  if (username === '') return { kind: 'malformed', reason: 'EMPTY_USERNAME' };
  if (hasControlCharacter(username)) return { kind: 'malformed', reason: 'INVALID_USERNAME' };
  return classifySecret(password, username) ?? { kind: 'password', username, password };
}

/**
 * Classifies an `Authorization` header value. Schemes are case-insensitive, extra spaces and tabs
 * around the parts are ignored, Basic credentials are decoded as UTF-8 and split at the first `:`
 * (so passwords may contain `:`).
 *
 * @example
 * ```ts
 * classifyAuthorization(undefined); // { kind: 'none' }
 * classifyAuthorization('Basic ' + btoa('alice:s3:cret')); // { kind: 'password', username: 'alice', password: 's3:cret' }
 * classifyAuthorization(`Bearer ${token}`); // { kind: 'token', token: { id, secret } }
 * classifyAuthorization('Basic !!!'); // { kind: 'malformed', reason: 'INVALID_BASE64' }
 * ```
 */
export function classifyAuthorization(header: string | undefined): Credential {
  if (header === undefined) return { kind: 'none' };
  if (typeof header !== 'string') {
    throw new TokenPolicyError('INVALID_ARGUMENT', 'classifyAuthorization expects a string or undefined');
  }
  if (header.length > MAX_AUTHORIZATION_LENGTH) return { kind: 'malformed', reason: 'TOO_LARGE' };
  const parts = splitAuthorization(header);
  if (parts === null) return { kind: 'malformed', reason: 'EMPTY' };
  const { scheme, value } = parts;
  if (!isSchemeToken(scheme)) return { kind: 'malformed', reason: 'INVALID_SCHEME' };
  switch (scheme.toLowerCase()) {
    case 'basic':
      if (value === '') return { kind: 'malformed', reason: 'MISSING_CREDENTIALS' };
      return classifyBasic(value);
    case 'bearer':
      if (value === '') return { kind: 'malformed', reason: 'MISSING_CREDENTIALS' };
      if (!isToken68(value)) return { kind: 'malformed', reason: 'INVALID_BEARER' };
      return classifySecret(value, undefined) ?? { kind: 'other', scheme };
    default:
      return { kind: 'other', scheme };
  }
}
