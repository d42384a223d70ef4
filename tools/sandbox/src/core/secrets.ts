import { createHash, timingSafeEqual } from 'node:crypto';

/** Constant-time string equality; hashing first makes the comparison independent of the lengths. */
export function secretsEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right);
}
