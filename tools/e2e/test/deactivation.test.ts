/**
 * Inactive owner → 401 (issue 3). The gateway may cache user look-ups, but a deactivation takes effect
 * within 60 seconds (DESIGN §2); the test polls for that long at most. Both products run concurrently
 * because the wait is idle time.
 */
import { describe, expect, test } from 'vitest';
import { apiClient, bearer, callProduct, loginCookie, sandboxSaw } from '../src/client.js';
import { expectAtlassianError } from '../src/expectations.js';
import { PRODUCTS } from '../src/products.js';
import { startStack } from '../src/stack.js';
import { createToken, eventually } from './fixture.js';

describe('a deactivated token owner', () => {
  test.concurrent.each(PRODUCTS)(
    '%s: the token is refused with 401 within 60 s of the deactivation',
    async (product) => {
      const stack = await startStack({ product });
      try {
        const alice = await loginCookie(stack, 'alice', 'alice');
        const { token } = await createToken(apiClient(stack, alice));
        const warm = await callProduct(stack, bearer(token));
        expect({ status: warm.status, ranAs: warm.ranAs }).toEqual({ status: 200, ranAs: 'alice' });

        const user = stack.sandbox.users.get('alice');
        if (user === undefined) throw new Error('the sandbox has no alice');
        user.active = false;
        const deactivatedAt = Date.now();
        const refused = await eventually(
          'a 401 for the deactivated owner',
          async () => {
            // Until the cached look-up expires the gateway forwards, and the product itself refuses.
            const res = await callProduct(stack, bearer(token));
            return sandboxSaw(stack, res.probe).length > 0 ? undefined : res;
          },
          61_000,
          1_000,
        );
        expect(Date.now() - deactivatedAt).toBeLessThan(61_000);
        expectAtlassianError(refused, 401);
        expect(sandboxSaw(stack, refused.probe)).toEqual([]);
      } finally {
        await stack.close();
      }
    },
    150_000,
  );
});
