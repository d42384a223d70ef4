/**
 * Confluence under a context path (issue 4): the gateway mirrors `/confluence`; a request outside it is
 * a 404 from the gateway, never a proxy to the wrong place.
 */
import { describe, expect, test } from 'vitest';
import { anonymous, basic, callProduct, sandboxSaw } from '../src/client.js';
import { send } from '../src/http.js';
import { API_BASE } from '../src/stack.js';
import { useStack } from './fixture.js';

describe('confluence under /confluence', () => {
  const world = useStack('confluence');

  test('proxying, the management API and the pages live under the context path', async () => {
    expect(world.stack.contextPath).toBe('/confluence');
    const res = await callProduct(world.stack, basic('alice', 'alice'));
    expect({ status: res.status, ranAs: res.ranAs }).toEqual({ status: 200, ranAs: 'alice' });
    expect((await send(world.stack.api('/health'))).status).toBe(200);
    const page = await send(world.stack.url('/plugins/servlet/api-token-auth/tokens'), {
      headers: { ...world.alice.headers, Accept: 'text/html' },
    });
    expect(page.status).toBe(200);
    expect(String(page.headers['content-type'])).toMatch(/html/);
  });

  test.each([
    ['the product resource', `/rest/api/content/1001`],
    ['the management API', `${API_BASE}/health`],
    ['the tokens page', '/plugins/servlet/api-token-auth/tokens'],
    ['a look-alike prefix', '/confluencex/rest/api/content/1001'],
  ])('%s outside the context path is a 404 from the gateway', async (_what, path) => {
    for (const credentials of [anonymous, basic('alice', 'alice')]) {
      const probe = `outside-${Math.random()}`;
      const res = await send(`${world.stack.origin}${path}`, {
        headers: { ...credentials.headers, 'X-E2E-Probe': probe },
      });
      expect(res.status).toBe(404);
      expect(sandboxSaw(world.stack, probe)).toEqual([]);
    }
  });
});
