import { describe, expect, test } from 'vitest';
import type { TokenRow } from '../store/store.js';
import { createTokenVerifier } from './token-verifier.js';
import { createVerifiedTokenCache } from './verified-token-cache.js';

function setUp() {
  let now = 1_000_000;
  const rows = new Map<string, TokenRow>();
  const row: TokenRow = {
    id: 'id1',
    owner: 'Alice',
    name: 'ci',
    secretHash: 'hash-of-right',
    createdAt: new Date(0),
    expiresAt: null,
    createdBy: 'Alice',
    lastUsedAt: null,
    lastUsedFrom: null,
  };
  rows.set(row.id, row);
  const counts = { compares: 0, reads: 0 };
  let release: () => void = () => undefined;
  let gate: Promise<void> = Promise.resolve();
  const cache = createVerifiedTokenCache({ now: () => now, ttlMs: 60_000 });
  const verifier = createTokenVerifier({
    tokens: {
      async findById(id) {
        counts.reads += 1;
        return rows.get(id) ?? null;
      },
    },
    hasher: {
      async compare(secret, hash) {
        counts.compares += 1;
        await gate;
        return hash === `hash-of-${secret}`;
      },
    },
    cache,
    digest: (text) => `d(${text})`,
    now: () => now,
  });
  return {
    verifier,
    cache,
    counts,
    rows,
    advance: (ms: number) => (now += ms),
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    release: () => release(),
  };
}

describe('token verifier', () => {
  test('concurrent identical cold checks share one compare; warm checks need none', async () => {
    const s = setUp();
    s.hold();
    const pending = Array.from({ length: 10 }, () => s.verifier.verify({ id: 'id1', secret: 'right' }));
    s.release();
    const results = await Promise.all(pending);
    expect(results.every((result) => result.secretMatches && result.record?.owner === 'Alice')).toBe(true);
    expect(s.counts.compares).toBe(1);
    await s.verifier.verify({ id: 'id1', secret: 'right' });
    expect(s.counts.compares).toBe(1);
  });

  test('a wrong secret is not cached as valid; an unknown id never reaches bcrypt', async () => {
    const s = setUp();
    expect((await s.verifier.verify({ id: 'id1', secret: 'wrong' })).secretMatches).toBe(false);
    expect((await s.verifier.verify({ id: 'nope', secret: 'right' })).record).toBeNull();
    expect(s.counts.compares).toBe(1);
    expect(s.cache.size).toBe(0);
  });

  test('entries expire after the TTL (exactly at it)', async () => {
    const s = setUp();
    await s.verifier.verify({ id: 'id1', secret: 'right' });
    s.advance(59_999);
    await s.verifier.verify({ id: 'id1', secret: 'right' });
    expect(s.counts.compares).toBe(1);
    s.advance(1);
    await s.verifier.verify({ id: 'id1', secret: 'right' });
    expect(s.counts.compares).toBe(2);
  });

  test('invalidation by token and by owner (case-insensitive) drops the entry at once', async () => {
    const s = setUp();
    await s.verifier.verify({ id: 'id1', secret: 'right' });
    s.rows.delete('id1');
    s.verifier.invalidateToken('id1');
    expect((await s.verifier.verify({ id: 'id1', secret: 'right' })).record).toBeNull();

    const t = setUp();
    await t.verifier.verify({ id: 'id1', secret: 'right' });
    t.verifier.invalidateOwner('ALICE');
    expect(t.cache.size).toBe(0);
  });

  test('a token deleted while its compare runs is not cached', async () => {
    const s = setUp();
    s.hold();
    const pending = s.verifier.verify({ id: 'id1', secret: 'right' });
    await new Promise((resolve) => setImmediate(resolve));
    s.verifier.invalidateToken('id1');
    s.release();
    await pending;
    expect(s.cache.size).toBe(0);
  });
});

describe('renewal of busy tokens', () => {
  const token = { id: 'id1', secret: 'right' };

  test('a hit in the last quarter of the lifetime renews the entry by a row read, without bcrypt', async () => {
    const s = setUp();
    await s.verifier.verify(token);
    expect(s.counts).toEqual({ compares: 1, reads: 1 });
    s.advance(44_000);
    expect(s.verifier.cached(token)).toBeDefined();
    await Promise.resolve();
    expect(s.counts.reads).toBe(1); // not yet due
    s.advance(2_000);
    expect(s.verifier.cached(token)).toBeDefined();
    expect(s.verifier.cached(token)).toBeDefined(); // one renewal at a time
    await new Promise((resolve) => setImmediate(resolve));
    expect(s.counts).toEqual({ compares: 1, reads: 2 });
    // 60 s after the compare, the renewed entry is still warm; without renewal it would have expired.
    s.advance(30_000);
    expect(s.verifier.cached(token)).toBeDefined();
    expect(s.counts.compares).toBe(1);
  });

  test('a deleted row ends the entry at renewal, so the next request is checked cold', async () => {
    const s = setUp();
    await s.verifier.verify(token);
    s.rows.delete('id1');
    s.advance(50_000);
    expect(s.verifier.cached(token)).toBeDefined(); // still within its lifetime
    await new Promise((resolve) => setImmediate(resolve));
    expect(s.verifier.cached(token)).toBeUndefined();
    expect((await s.verifier.verify(token)).record).toBeNull();
  });

  test('a row whose hash changed ends the entry at renewal', async () => {
    const s = setUp();
    await s.verifier.verify(token);
    s.rows.set('id1', { ...(s.rows.get('id1') as TokenRow), secretHash: 'hash-of-other' });
    s.advance(50_000);
    s.verifier.cached(token);
    await new Promise((resolve) => setImmediate(resolve));
    expect(s.verifier.cached(token)).toBeUndefined();
    expect((await s.verifier.verify(token)).secretMatches).toBe(false);
  });

  test('an entry invalidated while its renewal reads is not brought back', async () => {
    const s = setUp();
    await s.verifier.verify(token);
    s.advance(50_000);
    s.verifier.cached(token);
    s.verifier.invalidateToken('id1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(s.verifier.cached(token)).toBeUndefined();
  });
});
