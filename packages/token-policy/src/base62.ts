/** Base62 (`0-9A-Za-z`): URL-, header- and shell-safe, and selectable with a double click. */
import { TokenPolicyError } from './errors.js';

export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** 62 × 4: bytes at or above this would make `byte % 62` favour the first characters. */
const UNBIASED_LIMIT = 248;
/** A fair source rejects a byte with probability 8/256; 64 empty batches in a row means it is broken. */
const MAX_EMPTY_BATCHES = 64;

/**
 * `length` uniformly random base62 characters from `randomBytes`, by rejection sampling (no modulo
 * bias). Each accepted byte carries log2(62) ≈ 5.95 bits.
 */
export function randomBase62(length: number, randomBytes: (n: number) => Uint8Array): string {
  let result = '';
  let emptyBatches = 0;
  while (result.length < length) {
    const wanted = length - result.length;
    // Ask for a little more than needed so one call usually suffices.
    const request = wanted + Math.ceil(wanted / 16) + 2;
    const bytes = randomBytes(request);
    if (!(bytes instanceof Uint8Array) || bytes.length !== request) {
      throw new TokenPolicyError(
        'INVALID_RANDOM_SOURCE',
        `randomBytes(${request}) must return a Uint8Array of exactly ${request} bytes`,
      );
    }
    const before = result.length;
    for (const byte of bytes) {
      if (byte < UNBIASED_LIMIT && result.length < length) result += BASE62_ALPHABET[byte % 62];
    }
    emptyBatches = result.length === before ? emptyBatches + 1 : 0;
    if (emptyBatches >= MAX_EMPTY_BATCHES) {
      throw new TokenPolicyError('INVALID_RANDOM_SOURCE', 'randomBytes keeps returning unusable bytes');
    }
  }
  return result;
}

/** Fixed-width base62 of a non-negative safe integer, left-padded with `0`. */
export function encodeBase62(value: number, width: number): string {
  let text = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    text = BASE62_ALPHABET[rest % 62] + text;
    rest = Math.floor(rest / 62);
  }
  return text;
}
