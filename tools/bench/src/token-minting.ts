/**
 * Tokens for the benchmark in the product's real format (`generateToken`), but with chosen parts:
 * many tokens can share one secret, so one precomputed bcrypt hash serves a 100,000-row store while
 * every token still costs the gateway a real bcrypt comparison when it is cold (the verified-token
 * cache is keyed by the whole token). A chosen id with a wrong secret is what a brute-force attacker
 * sends.
 */
import { generateToken } from '@api-token-auth/token-policy';

/** The token format's alphabet (DESIGN §3: base62); `mintToken` checks the round trip. */
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** mulberry32: repeatable, not cryptographic — these are benchmark fixtures. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` base62 characters from `random`. */
export function randomBase62Text(length: number, random: () => number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += BASE62[Math.floor(random() * 62)];
  return text;
}

/** A token of the real format with the given 12-character id and 30-character secret. */
export interface MintedToken {
  token: string;
  id: string;
  secret: string;
}

/**
 * Builds the token whose id and secret are the given base62 texts: `generateToken` asks for the id's
 * bytes, then the secret's, and every byte below 248 is used as `byte % 62`, so handing it the
 * characters' alphabet positions reproduces them exactly (the checksum is computed as usual).
 *
 * @example
 * ```ts
 * const { token } = mintToken('AAAAAAAAAAAA', 'x'.repeat(30));
 * ```
 */
export function mintToken(id: string, secret: string): MintedToken {
  const parts = [id, secret].map((text) =>
    Array.from(text, (char) => {
      const index = BASE62.indexOf(char);
      if (index < 0) throw new Error(`not a base62 character: ${char}`);
      return index;
    }),
  );
  let call = 0;
  const generated = generateToken((size) => {
    const bytes = new Uint8Array(size);
    bytes.set((parts[call++] ?? []).slice(0, size));
    return bytes;
  });
  if (generated.id !== id || generated.secret !== secret) {
    throw new Error('the token format changed: mintToken no longer reproduces id and secret');
  }
  return generated;
}
