import { randomBytes } from 'node:crypto';
import {
  canonicalIp,
  classifyAuthorization,
  defaultSettings,
  failureKeys,
  generateToken,
  lockoutStatus,
  recordFailure,
  recordSuccess,
  type FailedLoginState,
  type LockoutStatus,
  type Settings,
} from '@api-token-auth/token-policy';
import { describe, expect, test } from 'vitest';
import type { ProductUser } from '@api-token-auth/product-port';
import { createKeyedDigest } from '../crypto/keyed-digest.js';
import type { FailedLoginRepository, TokenRow } from '../store/store.js';
import {
  createAuthenticationPipeline,
  type AuthenticationRequest,
  type CredentialMemo,
} from './authentication-pipeline.js';
import { createLockoutStatusCache } from './lockout-status-cache.js';
import { compileSettings, type SettingsCache } from './settings-cache.js';
import { createTokenVerifier } from './token-verifier.js';
import { createVerifiedTokenCache } from './verified-token-cache.js';
import { createUserDirectory } from './user-directory.js';

const NOW = new Date('2026-11-28T12:00:00Z');
const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

/** A failed-login store in memory, built on the core's rules as the real one is; it counts its reads. */
function memoryFailedLogins(): Pick<FailedLoginRepository, 'status' | 'recordFailure' | 'recordSuccess'> & {
  reads: number;
  /** The keys of every status read, in order. */
  readKeys: string[][];
} {
  const states = new Map<string, FailedLoginState>();
  return {
    reads: 0,
    readKeys: [],
    status(keys, now, policy) {
      this.reads += 1;
      this.readKeys.push([...keys]);
      let combined: LockoutStatus = { locked: false };
      for (const key of keys) {
        const status = lockoutStatus(states.get(key), now, policy);
        if (status.locked && (!combined.locked || status.until > combined.until)) combined = status;
      }
      return Promise.resolve(combined);
    },
    recordFailure(key, now, policy) {
      const next = recordFailure(states.get(key), now, policy);
      states.set(key, next);
      return Promise.resolve(next);
    },
    recordSuccess(key) {
      states.set(key, recordSuccess(states.get(key)));
      return Promise.resolve();
    },
  };
}

interface Setup {
  settings?: Partial<Settings>;
  owner?: Partial<ProductUser>;
  expiresAt?: Date | null;
  /** The lockout cache's reuse of "not locked" (default: its own default). */
  lockoutTtlMs?: number;
}

function setUp(setup: Setup = {}) {
  const settings: Settings = { ...defaultSettings(), ...setup.settings };
  const compiled = compileSettings(settings);
  const settingsCache = { current: () => compiled } as unknown as SettingsCache;
  const generated = generateToken((n) => randomBytes(n));
  const row: TokenRow = {
    id: generated.id,
    owner: 'Alice',
    name: 'ci',
    secretHash: `hash-of:${generated.secret}`,
    createdAt: new Date('2026-11-01T00:00:00Z'),
    expiresAt: setup.expiresAt ?? null,
    createdBy: 'Alice',
    lastUsedAt: null,
    lastUsedFrom: null,
  };
  const calls = { rows: 0, compares: 0, users: 0 };
  /** Keyed digests worked out (the token cache keys), and whether the row has been deleted. */
  const work = { digests: 0, rowDeleted: false };
  const keyedDigest = createKeyedDigest();
  const failedLogins = memoryFailedLogins();
  const clock = () => new Date(NOW);
  const now = () => NOW.getTime();
  const verifier = createTokenVerifier({
    tokens: {
      findById: (id) => {
        calls.rows += 1;
        return Promise.resolve(id === row.id && !work.rowDeleted ? row : null);
      },
    },
    hasher: {
      compare: (secret, hash) => {
        calls.compares += 1;
        return Promise.resolve(hash === `hash-of:${secret}`);
      },
    },
    cache: createVerifiedTokenCache({ now }),
    digest: (text) => {
      work.digests += 1;
      return keyedDigest(text);
    },
    now,
  });
  const users = createUserDirectory({
    product: {
      lookUpUser: (username) => {
        calls.users += 1;
        return Promise.resolve(
          username.toLowerCase() === 'alice'
            ? {
                username: 'Alice',
                displayName: 'Alice',
                active: true,
                groups: ['jira-users'],
                ...setup.owner,
              }
            : null,
        );
      },
    },
    adminGroups: ['jira-administrators'],
    now,
  });
  const pipeline = createAuthenticationPipeline({
    settings: settingsCache,
    failedLogins: createLockoutStatusCache({
      failedLogins,
      now,
      ...(setup.lockoutTtlMs === undefined ? {} : { ttlMs: setup.lockoutTtlMs }),
    }),
    verifier,
    users,
    clock,
  });
  return { pipeline, verifier, token: generated.token, tokenId: generated.id, calls, failedLogins, work };
}

describe('authenticateFromMemory', () => {
  test('needs no fact for requests without a token or password, and decides as authenticate does', async () => {
    const { pipeline, calls, failedLogins } = setUp();
    for (const authorization of [undefined, 'Negotiate abc', 'Basic !!!']) {
      const request = { authorization, clientIp: '10.0.0.7' };
      const known = pipeline.authenticateFromMemory(request);
      expect(known).toBeDefined();
      expect(known?.decision).toEqual((await pipeline.authenticate(request)).decision);
    }
    expect(calls).toEqual({ rows: 0, compares: 0, users: 0 });
    expect(failedLogins.reads).toBe(0);
  });

  test('a malformed token needs the lockout status once; then memory refuses it', async () => {
    const { pipeline, failedLogins } = setUp();
    const request = { authorization: 'Bearer ata_short', clientIp: '10.0.0.7' };
    expect(pipeline.authenticateFromMemory(request)).toBeUndefined();
    const fetched = await pipeline.authenticate(request);
    expect(fetched.decision).toMatchObject({ outcome: 'reject', code: 'TOKEN_INVALID', countFailure: true });
    expect(pipeline.authenticateFromMemory(request)).toEqual(fetched);
    expect(failedLogins.reads).toBe(1);
  });

  test.each<[string, Setup, string]>([
    ['a valid token', {}, 'forward-as-user'],
    ['an inactive owner', { owner: { active: false } }, 'OWNER_INACTIVE'],
    ['a non-admin while only admins may use tokens', { settings: { adminOnly: true } }, 'ADMIN_ONLY'],
    ['an expired token', { expiresAt: new Date('2026-11-02T00:00:00Z') }, 'TOKEN_EXPIRED'],
  ])(
    '%s: unknown from memory while cold; once warm, the same decision without fetching',
    async (_name, setup, expected) => {
      const { pipeline, token, calls, failedLogins } = setUp(setup);
      for (const authorization of [`Bearer ${token}`, basic('alice', token)]) {
        const request: AuthenticationRequest = { authorization, clientIp: '::ffff:10.0.0.7' };
        const cold = await pipeline.authenticate(request);
        const decided = cold.decision.outcome === 'reject' ? cold.decision.code : cold.decision.outcome;
        expect(decided).toBe(expected);
        if (expected !== 'forward-as-user' && expected !== 'ADMIN_ONLY') continue; // refused tokens are not kept warm
        const before = { ...calls, reads: failedLogins.reads };
        const warm = pipeline.authenticateFromMemory(request);
        expect(warm).toEqual(await pipeline.authenticate(request));
        expect(warm?.clientIp).toBe('10.0.0.7');
        expect({ ...calls, reads: failedLogins.reads }).toEqual(before);
      }
    },
  );

  test('a token presented with another user name: bob’s counter is read once, then memory refuses it', async () => {
    const { pipeline, token } = setUp();
    await pipeline.authenticate({ authorization: `Bearer ${token}`, clientIp: '10.0.0.7' });
    const request = { authorization: basic('bob', token), clientIp: '10.0.0.7' };
    expect(pipeline.authenticateFromMemory(request)).toBeUndefined();
    await pipeline.authenticate(request);
    const known = pipeline.authenticateFromMemory(request);
    expect(known?.decision).toMatchObject({
      outcome: 'reject',
      code: 'TOKEN_USER_MISMATCH',
      countFailure: true,
    });
    expect(known?.failureKeys).toEqual(['ip:10.0.0.7', 'user:bob']);
  });

  test('a lock is never answered from memory: the store is read and the answer is 429', async () => {
    const { pipeline, token } = setUp({
      settings: { failedLogins: { maxAttempts: 2, windowMinutes: 15, lockoutMinutes: 15 } },
    });
    const request = { authorization: `Bearer ${token}`, clientIp: '10.0.0.7' };
    await pipeline.authenticate(request);
    expect(pipeline.authenticateFromMemory(request)?.decision.outcome).toBe('forward-as-user');
    await pipeline.countFailure(['ip:10.0.0.7']);
    await pipeline.countFailure(['ip:10.0.0.7']);
    expect(pipeline.authenticateFromMemory(request)).toBeUndefined();
    expect((await pipeline.authenticate(request)).decision).toMatchObject({
      outcome: 'reject',
      code: 'LOCKED_OUT',
    });
  });

  test('the lockout status is read under the core’s failure keys, for any address and user name', async () => {
    // No reuse of "not locked": every attempt that needs the status reads it, and shows its keys.
    const { pipeline, token, failedLogins } = setUp({ lockoutTtlMs: 0 });
    const authorizations = [
      `Bearer ${token}`,
      basic('alice', token),
      basic('ALICE', token),
      basic('Ängström', token),
      basic('bob', 'a password'),
      'Bearer ata_short',
      basic('carol', 'ata_short'),
    ];
    const addresses = ['10.0.0.7', '::ffff:10.0.0.7', '2001:DB8::1', '10.0.0.8'];
    for (let round = 0; round < 2; round++) {
      for (const clientIp of addresses) {
        for (const authorization of authorizations) {
          failedLogins.readKeys.length = 0;
          await pipeline.authenticate({ authorization, clientIp });
          const expected = failureKeys(
            classifyAuthorization(authorization),
            canonicalIp(clientIp) ?? clientIp,
          );
          expect(failedLogins.readKeys.length, `${authorization} from ${clientIp}`).toBeGreaterThan(0);
          for (const keys of failedLogins.readKeys) expect(keys).toEqual(expected);
        }
      }
    }
  });

  test('a cold token is left to authenticate, which compares it once', async () => {
    const { pipeline, token, calls } = setUp();
    const request = { authorization: `Bearer ${token}`, clientIp: '10.0.0.7' };
    expect(pipeline.authenticateFromMemory(request)).toBeUndefined();
    expect(calls.compares).toBe(0);
    await Promise.all([pipeline.authenticate(request), pipeline.authenticate(request)]);
    expect(calls.compares).toBe(1);
  });
});

describe('a connection’s memo of its credential', () => {
  test('the same header again is not read again: no digest, and the same decision', async () => {
    const { pipeline, token, work } = setUp();
    const memo: CredentialMemo = {};
    for (const authorization of [`Bearer ${token}`, basic('alice', token)]) {
      // Each request's header is a string of its own: equal text, another string.
      const request = (): AuthenticationRequest => ({
        authorization: authorization.split('').join(''),
        clientIp: '10.0.0.7',
        memo,
      });
      expect((await pipeline.authenticate(request())).decision.outcome).toBe('forward-as-user');
      const digests = work.digests;
      const warm = Array.from({ length: 5 }, () => pipeline.authenticateFromMemory(request()));
      expect(work.digests).toBe(digests);
      const unremembered = pipeline.authenticateFromMemory({ authorization, clientIp: '10.0.0.7' });
      expect(work.digests).toBe(digests + 1);
      for (const known of warm) expect(known).toEqual(unremembered);
    }
  });

  test('a different header on the same connection is read afresh, and decided on its own', async () => {
    const { pipeline, token } = setUp();
    const memo: CredentialMemo = {};
    const garbled = `${token.slice(0, 20)}${token.slice(20, 46).split('').reverse().join('')}${token.slice(46)}`;
    const outcome = async (authorization: string | undefined) => {
      const { decision } = await pipeline.authenticate({ authorization, clientIp: '10.0.0.7', memo });
      return decision.outcome === 'reject' ? decision.code : decision.outcome;
    };
    expect(await outcome(`Bearer ${token}`)).toBe('forward-as-user');
    expect(await outcome(`Bearer ${garbled}`)).toBe('TOKEN_INVALID');
    expect(await outcome(undefined)).toBe('forward-unchanged');
    expect(await outcome(basic('bob', token))).toBe('TOKEN_USER_MISMATCH');
    expect(await outcome(basic('alice', 'a password'))).toBe('forward-unchanged');
    expect(await outcome(`Bearer ${token}`)).toBe('forward-as-user');
  });

  test('a token deleted meanwhile is refused on a connection that presented it before', async () => {
    const { pipeline, verifier, token, tokenId, work } = setUp();
    const memo: CredentialMemo = {};
    const request = { authorization: `Bearer ${token}`, clientIp: '10.0.0.7', memo };
    await pipeline.authenticate(request);
    expect(pipeline.authenticateFromMemory(request)?.decision.outcome).toBe('forward-as-user');
    work.rowDeleted = true;
    verifier.invalidateToken(tokenId);
    expect(pipeline.authenticateFromMemory(request)).toBeUndefined();
    expect((await pipeline.authenticate(request)).decision).toMatchObject({
      outcome: 'reject',
      code: 'TOKEN_INVALID',
    });
  });
});
