/**
 * Token look-alikes for negative tests: a typo (checksum broken) and a forgery (checksum fine, but
 * matching no stored secret). Both are checked against the core's own parser, so a test built on them
 * cannot pass by accident with a string the gateway treats as something else.
 */
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { TOKEN_PREFIX, parseToken } from '@api-token-auth/token-policy';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomBase62(length: number): string {
  return Array.from(randomBytes(length), (byte) => ALPHABET[byte % 62]).join('');
}

function base62(value: number, width: number): string {
  let text = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    text = ALPHABET[rest % 62] + text;
    rest = Math.floor(rest / 62);
  }
  return text;
}

/**
 * A well-formed token (prefix, length, checksum) with the given lookup id and a fresh random secret:
 * "checksum fine but no match".
 *
 * @example
 * ```ts
 * forgeToken(created.id); // right id, wrong secret
 * forgeToken(); // an id nobody has
 * ```
 */
export function forgeToken(id: string = randomBase62(12)): string {
  const body = `${TOKEN_PREFIX}${id}${randomBase62(30)}`;
  const token = `${body}${base62(crc32(body), 6)}`;
  if (parseToken(token) === null) throw new Error('forgeToken built something the core does not parse');
  return token;
}

/**
 * The token with one character of its secret changed: still `ata_…`, but the checksum no longer fits.
 *
 * @example
 * ```ts
 * typo('ata_0a1B…'); // 'ata_0a1B…' with one letter swapped
 * ```
 */
export function typo(token: string): string {
  const at = TOKEN_PREFIX.length + 20;
  const original = token.charAt(at);
  const replaced = original === 'x' ? 'y' : 'x';
  const result = `${token.slice(0, at)}${replaced}${token.slice(at + 1)}`;
  if (parseToken(result) !== null) throw new Error('typo() produced a valid token; pick another position');
  return result;
}
