/**
 * A small in-memory cache whose entries expire after a fixed time, with coalesced loading: concurrent
 * misses for one key share a single load. Failed loads are not cached.
 */

/** Options of {@link createTtlCache}. */
export interface TtlCacheOptions {
  /** How long an entry stays valid, in milliseconds. */
  ttlMs: number;
  /** Upper bound on entries; the oldest entry is dropped first. Default 10 000. */
  maxEntries?: number;
  /** Clock in epoch milliseconds; default `Date.now`. Tests pass their own. */
  now?: () => number;
}

/** See {@link createTtlCache}. */
export interface TtlCache<K, V> {
  /** The live value, or `undefined` when absent or expired. */
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  delete(key: K): void;
  clear(): void;
  /** The live value, else the result of `load` (stored on success; shared by concurrent callers). */
  getOrLoad(key: K, load: () => Promise<V>): Promise<V>;
}

/**
 * Creates a {@link TtlCache}.
 *
 * @example
 * ```ts
 * const versions = createTtlCache<string, number>({ ttlMs: 60_000 });
 * const major = await versions.getOrLoad('jira', () => fetchMajorVersion());
 * ```
 */
export function createTtlCache<K, V>(options: TtlCacheOptions): TtlCache<K, V> {
  const { ttlMs } = options;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError('ttlMs must be a positive number');
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<K, { value: V; expiresAt: number }>();
  const loading = new Map<K, Promise<V>>();

  function get(key: K): V | undefined {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (now() >= entry.expiresAt) {
      entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  function set(key: K, value: V): void {
    entries.delete(key);
    entries.set(key, { value, expiresAt: now() + ttlMs });
    while (entries.size > maxEntries) {
      // Map iteration is insertion order, so the first key is the oldest write.
      const oldest = entries.keys().next();
      if (oldest.done === true) break;
      entries.delete(oldest.value);
    }
  }

  function remove(key: K): void {
    entries.delete(key);
    // A load already under way must not store a value the caller just invalidated.
    loading.delete(key);
  }

  async function getOrLoad(key: K, load: () => Promise<V>): Promise<V> {
    const cached = get(key);
    if (cached !== undefined) return cached;
    const pending = loading.get(key);
    if (pending !== undefined) return pending;
    const settle = (): void => {
      if (loading.get(key) === promise) loading.delete(key);
    };
    const promise: Promise<V> = load().then(
      (value) => {
        if (loading.get(key) === promise) set(key, value);
        settle();
        return value;
      },
      (error: unknown) => {
        settle();
        throw error;
      },
    );
    loading.set(key, promise);
    return promise;
  }

  return {
    get,
    set,
    delete: remove,
    clear() {
      entries.clear();
      loading.clear();
    },
    getOrLoad,
  };
}
