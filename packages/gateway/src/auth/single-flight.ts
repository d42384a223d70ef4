/**
 * Coalesces concurrent calls with the same key into one: the first caller runs the work, the others
 * await its promise. Used so that N parallel requests with one cold token cost one bcrypt compare and
 * one product look-up, not N.
 */
export interface SingleFlight<V> {
  run(key: string, work: () => Promise<V>): Promise<V>;
  /** Calls in flight (for tests and metrics). */
  readonly size: number;
}

/**
 * @example
 * ```ts
 * const flights = createSingleFlight<boolean>();
 * const [a, b] = await Promise.all([flights.run('k', compare), flights.run('k', compare)]); // one compare
 * ```
 */
export function createSingleFlight<V>(): SingleFlight<V> {
  const inFlight = new Map<string, Promise<V>>();
  return {
    run(key, work) {
      const existing = inFlight.get(key);
      if (existing !== undefined) return existing;
      const promise = (async () => {
        try {
          return await work();
        } finally {
          inFlight.delete(key);
        }
      })();
      inFlight.set(key, promise);
      return promise;
    },
    get size() {
      return inFlight.size;
    },
  };
}
