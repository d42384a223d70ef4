/**
 * The access log. With `ATA_ACCESS_LOG=all`: one line per request, written when the request is over,
 * with the outcome that answered it — whether the proxy relayed it (logged when the proxy reports its
 * result) or the gateway answered it itself (logged when the response closes), and also when the
 * client left first. By default (`gateway`) the requests relayed to the product are left to the
 * product's own access log; `off` writes none.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { ProductUser } from '@api-token-auth/product-port';
import { API, createToken, withOtherSecret } from './support/api-helpers.js';
import { basic, startHarness, type Harness } from './support/harness.js';

interface AccessLine {
  msg: string;
  method: string;
  path: string;
  status: number;
  outcome: string;
  user: string | null;
}

interface AccessCase {
  path: string;
  headers?: Record<string, string>;
  status: number;
  outcome: string;
}

/** Sends each case and checks its status. */
async function send(h: Harness, cases: AccessCase[]): Promise<void> {
  for (const { path, headers, status } of cases) {
    expect((await h.call(path, headers === undefined ? {} : { headers })).status, path).toBe(status);
  }
}

/** The access lines written so far, parsed. */
function requestLines(h: Harness): AccessLine[] {
  return h.logLines.map((line) => JSON.parse(line) as AccessLine).filter((line) => line.msg === 'request');
}

/** Relayed requests, refusals and the gateway's own answers: the cases both modes are checked with. */
async function mixedCases(h: Harness): Promise<{ relayed: AccessCase[]; answered: AccessCase[] }> {
  const created = await createToken(h, 'alice');
  return {
    relayed: [
      {
        path: '/rest/api/2/relayed-token',
        headers: { authorization: `Bearer ${created.token}` },
        status: 200,
        outcome: 'forward-as-user',
      },
      { path: '/rest/api/2/relayed-anonymous', status: 200, outcome: 'forward' },
      {
        path: '/rest/api/2/relayed-password',
        headers: { authorization: basic('alice', 'alice') },
        status: 200,
        outcome: 'forward-password',
      },
    ],
    answered: [
      {
        path: '/rest/api/2/refused-token',
        headers: { authorization: `Bearer ${withOtherSecret(created.token)}` },
        status: 401,
        outcome: 'TOKEN_INVALID',
      },
      {
        path: '/rest/api/2/refused-password',
        headers: { authorization: basic('alice', 'not her password') },
        status: 401,
        outcome: 'PASSWORD_REJECTED',
      },
      { path: '/rest/api/2/refused%2Ftarget', status: 400, outcome: 'BAD_REQUEST_TARGET' },
      { path: `${API}/no-such-resource`, status: 404, outcome: 'NOT_FOUND' },
    ],
  };
}

describe('access log, by default: what the gateway answered itself, and failed relays', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  test('refusals, the API and a password the product refused have a line; relayed requests have none', async () => {
    const { relayed, answered } = await mixedCases(h);
    await send(h, [...relayed, ...answered]);
    await vi.waitFor(() => {
      const logged = requestLines(h).filter((line) => line.path.startsWith('/rest/api/2/'));
      expect(logged.map(({ path, outcome }) => ({ path, outcome }))).toEqual(
        answered
          .filter((c) => c.path.startsWith('/rest/api/2/'))
          .map(({ path, outcome }) => ({ path, outcome })),
      );
    });
    expect(requestLines(h).map((line) => line.path)).toContain(`${API}/no-such-resource`);
    // Nothing of the relayed requests arrives later either.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const paths = requestLines(h).map((line) => line.path);
    for (const { path } of relayed) expect(paths).not.toContain(path);
  });
});

describe('access log, off', () => {
  test('writes no access line at all', async () => {
    const h = await startHarness({ env: { ATA_ACCESS_LOG: 'off' } });
    try {
      const { relayed, answered } = await mixedCases(h);
      await send(h, [...relayed, ...answered]);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(requestLines(h)).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe('access log, all', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { ATA_ACCESS_LOG: 'all' } });
  });
  afterAll(async () => {
    await h.close();
  });

  function accessLines(path: string): AccessLine[] {
    return h.logLines
      .map((line) => JSON.parse(line) as AccessLine)
      .filter((line) => line.msg === 'request' && line.path === path);
  }

  /** The one access line of `path`, once it is there (a relayed request is logged as the proxy ends it). */
  async function lineOf(path: string): Promise<AccessLine> {
    return vi.waitFor(() => {
      const lines = accessLines(path);
      expect(lines).toHaveLength(1);
      return lines[0] as AccessLine;
    });
  }

  test('every request has exactly one line, with the outcome that answered it', async () => {
    const { relayed, answered } = await mixedCases(h);
    const cases = [...relayed, ...answered];
    await send(h, cases);
    // Later requests on the same connections must not add lines to earlier ones.
    await h.call('/rest/api/2/after');
    for (const { path, status, outcome } of cases) {
      const line = await lineOf(path);
      expect({ path, status: line.status, outcome: line.outcome }).toEqual({ path, status, outcome });
    }
    expect((await lineOf('/rest/api/2/relayed-token')).user).toBe('alice');
  });

  describe('a client that leaves while its token is checked', () => {
    /** Holds the product's next user look-up until `release` is called. */
    function holdNextLookUp(): { started: Promise<void>; release: () => void; restore: () => void } {
      const original = h.product.lookUpUser;
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let started!: () => void;
      const startedPromise = new Promise<void>((resolve) => (started = resolve));
      h.product.lookUpUser = async (username: string): Promise<ProductUser | null> => {
        started();
        await released;
        return original.call(h.product, username);
      };
      return { started: startedPromise, release, restore: () => (h.product.lookUpUser = original) };
    }

    /** Sends `path` with `token`, and closes the connection as soon as the owner look-up began. */
    async function leaveDuringLookUp(path: string, token: string, onLeft: () => void): Promise<void> {
      const held = holdNextLookUp();
      const client = httpRequest({
        host: '127.0.0.1',
        port: h.gateway.port,
        path,
        headers: { authorization: `Bearer ${token}` },
      });
      client.on('error', () => {}); // the reset we cause
      client.end();
      await held.started;
      const gone = new Promise<void>((resolve) => client.on('close', () => resolve()));
      client.destroy();
      await gone;
      // Let the gateway see the connection close before the decision arrives.
      await new Promise((resolve) => setTimeout(resolve, 50));
      onLeft();
      held.release();
      held.restore();
    }

    test('a relay decided after it is not sent upstream, and is logged once as CLIENT_ABORTED', async () => {
      const created = await createToken(h, 'carol');
      h.advance(31 * 60_000); // every cache entry of carol and her token has expired
      const upstreamBefore = h.upstream.received.length;
      await leaveDuringLookUp('/rest/api/2/client-left-relay', created.token, () => {});
      const line = await lineOf('/rest/api/2/client-left-relay');
      expect(line.outcome).toBe('CLIENT_ABORTED');
      expect(line.user).toBe('carol');
      expect(h.upstream.received.slice(upstreamBefore).map((r) => r.url)).not.toContain(
        '/rest/api/2/client-left-relay',
      );
    });

    test('a refusal decided after it is still logged, once', async () => {
      h.product.setUser({ username: 'dave', password: 'dave', active: true, groups: ['users'] });
      const created = await createToken(h, 'dave');
      h.advance(31 * 60_000);
      await leaveDuringLookUp('/rest/api/2/client-left-refusal', created.token, () =>
        h.product.setUser({ username: 'dave', password: 'dave', active: false, groups: ['users'] }),
      );
      const line = await lineOf('/rest/api/2/client-left-refusal');
      expect(line.outcome).toBe('OWNER_INACTIVE');
      // Nothing more arrives later.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(accessLines('/rest/api/2/client-left-refusal')).toHaveLength(1);
    });
  });
});
