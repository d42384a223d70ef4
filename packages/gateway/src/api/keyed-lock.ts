/**
 * Serialises async work per key inside one process (e.g. token creation per owner, so two parallel
 * creations cannot both pass the duplicate-name check; settings updates, so each diff is against
 * what the previous update wrote).
 */
export interface KeyedLock {
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
}

/**
 * @example
 * ```ts
 * const lock = createKeyedLock();
 * await lock.run('alice', async () => createToken());
 * ```
 */
export function createKeyedLock(): KeyedLock {
  const tails = new Map<string, Promise<unknown>>();
  return {
    async run<T>(key: string, work: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const current = previous.then(work, work);
      const tail = current.catch(() => undefined);
      tails.set(key, tail);
      try {
        return await current;
      } finally {
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
  };
}
