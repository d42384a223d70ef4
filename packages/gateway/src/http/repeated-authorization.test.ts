import { describe, expect, test } from 'vitest';
import { hasRepeatedAuthorization } from './repeated-authorization.js';

describe('hasRepeatedAuthorization', () => {
  test.each([
    [[], false],
    [['Host', 'x'], false],
    [['Authorization', 'Basic YTpi'], false],
    [['Authorization', 'Negotiate x', 'Authorization', 'Basic YTpi'], true],
    [['authorization', 'Bearer t', 'AUTHORIZATION', 'Basic YTpi'], true],
    [['Authorization', '', 'Authorization', 'Basic YTpi'], true],
    [['Proxy-Authorization', 'Basic YTpi', 'Authorization', 'Bearer t'], false],
    [['X-Authorization', 'a', 'Authorization', 'b', 'Host', 'x'], false],
  ])('%j → %s', (raw, expected) => {
    expect(hasRepeatedAuthorization(raw)).toBe(expected);
  });
});
