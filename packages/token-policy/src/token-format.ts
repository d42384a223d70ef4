/**
 * The API token format (DESIGN §3): `ata_` + lookup id + secret + checksum, base62, GitHub-style.
 *
 * ```
 * ata_ 0a1B2c3D4e5F 0123456789abcdefghijABCDEFGHIJ 1x2Y3z
 * │    │            │                              └ checksum: CRC-32 of everything before it, 6 base62
 * │    │            └ secret: 30 base62 ≈ 178 bits, only its bcrypt hash is stored
 * │    └ id: 12 base62 ≈ 71 bits, stored in clear for the look-up
 * └ prefix: makes leaked tokens easy to find by secret scanners
 * ```
 *
 * 52 ASCII characters in all, well under bcrypt's 72-byte input limit.
 */
import { encodeBase62, randomBase62 } from './base62.js';
import { isBase62 } from './character-classes.js';
import { crc32 } from './crc32.js';
import { TokenPolicyError } from './errors.js';
import type { ParsedToken } from './types.js';

/** Every token starts with this. */
export const TOKEN_PREFIX = 'ata_';
const ID_LENGTH = 12;
const SECRET_LENGTH = 30;
const CHECKSUM_LENGTH = 6;
/** Total length of a token: 52. */
export const TOKEN_LENGTH = TOKEN_PREFIX.length + ID_LENGTH + SECRET_LENGTH + CHECKSUM_LENGTH;

function checksumOf(body: string): string {
  return encodeBase62(crc32(body), CHECKSUM_LENGTH);
}

/** A freshly generated token: show `token` once, store `id` and a bcrypt hash of `secret`. */
export interface GeneratedToken extends ParsedToken {
  /** The full plaintext token for the user. Never log or store it. */
  token: string;
}

/**
 * Generates a new token from injected randomness (the core has none of its own).
 *
 * @throws {@link TokenPolicyError} `INVALID_RANDOM_SOURCE` when `randomBytes(n)` does not return `n` bytes.
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * const { token, id, secret } = generateToken((n) => randomBytes(n));
 * // token: 'ata_…' (52 characters); store id and bcrypt(secret), show token once
 * ```
 */
export function generateToken(randomBytes: (n: number) => Uint8Array): GeneratedToken {
  if (typeof randomBytes !== 'function') {
    throw new TokenPolicyError('INVALID_ARGUMENT', 'generateToken expects a randomBytes(n) function');
  }
  const id = randomBase62(ID_LENGTH, randomBytes);
  const secret = randomBase62(SECRET_LENGTH, randomBytes);
  const body = `${TOKEN_PREFIX}${id}${secret}`;
  return { token: `${body}${checksumOf(body)}`, id, secret };
}

/**
 * Splits a presented token into id and secret if it has the token format: prefix, length, alphabet and
 * checksum. Nothing else is checked (in particular not whether it exists); `null` for anything else,
 * so a typo is refused without touching storage.
 *
 * @example
 * ```ts
 * parseToken(token); // { id: '0a1B2c3D4e5F', secret: '…' }
 * parseToken('hunter2'); // null
 * ```
 */
export function parseToken(text: string): ParsedToken | null {
  if (typeof text !== 'string' || text.length !== TOKEN_LENGTH || !text.startsWith(TOKEN_PREFIX)) return null;
  const rest = text.slice(TOKEN_PREFIX.length);
  if (!isBase62(rest)) return null;
  const body = text.slice(0, TOKEN_LENGTH - CHECKSUM_LENGTH);
  if (checksumOf(body) !== text.slice(TOKEN_LENGTH - CHECKSUM_LENGTH)) return null;
  return {
    id: rest.slice(0, ID_LENGTH),
    secret: rest.slice(ID_LENGTH, ID_LENGTH + SECRET_LENGTH),
  };
}
