import { describe, expect, it } from 'vitest';
import { createTtlCache } from './ttl-cache.js';

function clock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('createTtlCache', () => {
  it('expires an entry exactly at its lifetime', () => {
    const time = clock();
    const cache = createTtlCache<string, number>({ ttlMs: 100, now: time.now });
    cache.set('a', 1);
    time.advance(99);
    expect(cache.get('a')).toBe(1);
    time.advance(1);
    expect(cache.get('a')).toBeUndefined();
  });

  it('shares one load between concurrent misses and caches its result', async () => {
    const cache = createTtlCache<string, string>({ ttlMs: 1_000, now: clock().now });
    let loads = 0;
    let release: (value: string) => void = () => undefined;
    const load = () => {
      loads += 1;
      return new Promise<string>((resolve) => (release = resolve));
    };
    const first = cache.getOrLoad('k', load);
    const second = cache.getOrLoad('k', load);
    release('v');
    expect(await Promise.all([first, second])).toEqual(['v', 'v']);
    expect(await cache.getOrLoad('k', load)).toBe('v');
    expect(loads).toBe(1);
  });

  it('does not cache a failed load', async () => {
    const cache = createTtlCache<string, string>({ ttlMs: 1_000, now: clock().now });
    await expect(cache.getOrLoad('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.getOrLoad('k', () => Promise.resolve('up'))).toBe('up');
  });

  it('does not store a load that was invalidated while running', async () => {
    const cache = createTtlCache<string, string>({ ttlMs: 1_000, now: clock().now });
    let release: (value: string) => void = () => undefined;
    const pending = cache.getOrLoad('k', () => new Promise<string>((resolve) => (release = resolve)));
    cache.delete('k');
    release('stale');
    expect(await pending).toBe('stale');
    expect(cache.get('k')).toBeUndefined();
  });

  it('drops the oldest entry beyond maxEntries', () => {
    const cache = createTtlCache<string, number>({ ttlMs: 1_000, maxEntries: 2, now: clock().now });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 3); // a rewrite makes `a` the newest
    cache.set('c', 4);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([3, undefined, 4]);
    cache.clear();
    expect(cache.get('a')).toBeUndefined();
  });

  it.each([0, -1, Number.NaN])('refuses ttlMs %s', (ttlMs) => {
    expect(() => createTtlCache({ ttlMs })).toThrow(RangeError);
  });
});
