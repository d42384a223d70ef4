/**
 * Issue 7 "Header tricks", one the scenarios do not cover: two `Authorization` fields in one request.
 * Node hands the policy the first copy while the raw list the proxy forwards keeps both, so a product
 * that read the second would accept a password the gateway never judged. The gateway refuses the
 * request (400, nothing forwarded) whatever the copies are. Repeated identity and secret headers are
 * in ../scenarios.test.ts ("identity headers").
 */
import { describe, expect, test } from 'vitest';
import { basic, bearer, callProduct, sandboxSaw } from '../../src/client.js';
import { expectAtlassianError, errorText } from '../../src/expectations.js';
import { putSettings } from '../../src/gateway-state.js';
import { PRODUCTS } from '../../src/products.js';
import { createToken, useStack } from '../fixture.js';

describe.each(PRODUCTS)('%s', (product) => {
  const world = useStack(product);

  test('two Authorization fields: 400 in the error shape, nothing forwarded, whatever the copies', async () => {
    const own = await createToken(world.aliceApi);
    await putSettings(world.adminApi, world.defaults, { passwordBasicAuth: false });
    const password = basic('admin', 'admin').headers.Authorization ?? '';
    const token = bearer(own.token).headers.Authorization ?? '';
    const variants: Array<Array<[string, string]>> = [
      [
        ['Authorization', 'Negotiate YWJj'],
        ['Authorization', password],
      ],
      [
        ['Authorization', 'Bearer not-a-gateway-token'],
        ['authorization', password],
      ],
      [
        ['Authorization', token],
        ['AUTHORIZATION', password],
      ],
      [
        ['Authorization', password],
        ['Authorization', token],
      ],
      [
        ['Authorization', token],
        ['Authorization', token],
      ],
    ];
    for (const rawHeaders of variants) {
      const res = await callProduct(world.stack, { kind: 'anonymous', headers: {} }, { rawHeaders });
      expect(errorText(expectAtlassianError(res, 400))).toMatch(/Authorization header once/);
      expect(sandboxSaw(world.stack, res.probe)).toEqual([]);
    }
    // The management API refuses them the same way.
    const api = await world.aliceApi.get('/tokens', { rawHeaders: variants[2] });
    expectAtlassianError(api, 400);
    // One copy is fine.
    await expect(callProduct(world.stack, bearer(own.token))).resolves.toMatchObject({
      status: 200,
      ranAs: 'alice',
    });
  });
});
