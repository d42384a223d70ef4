/**
 * Admission of token checks that may cost a bcrypt comparison (issue 6 "Brute force": at most the
 * lockout threshold of comparisons, then 429 answers without any — also when the attempts arrive all
 * at once). The lockout status is read before a comparison, but a failure is counted only after it,
 * so without a gate a burst of N wrong secrets would pass the lockout check together and cost N
 * comparisons.
 *
 * Per failed-login key (`ip:…`, `user:…`), comparisons in flight plus failures already counted in the
 * current window stay within `maxAttempts`; further attempts wait, and re-read the lockout status when
 * admitted. The count of failures is what this process last learnt from storage when it counted one
 * (the store's atomic `recordFailure` returns the key's state), so failures counted by another
 * instance since then are not known here: the bound is per process.
 */
import type { FailedLoginPolicy, FailedLoginState } from '@api-token-auth/token-policy';

/** Options of {@link createAttemptGate}. */
export interface AttemptGateOptions {
  /** Epoch milliseconds (the gateway's clock). */
  now: () => number;
}

export interface AttemptGate {
  /**
   * Resolves once each key has room for one more comparison; call the returned function when the
   * attempt is over — after its failure, if any, has been counted.
   */
  enter(keys: readonly string[], policy: FailedLoginPolicy): Promise<() => void>;
  /** A failure was counted for `key`; `state` is the key's state as the store returned it. */
  failureCounted(key: string, state: FailedLoginState, policy: FailedLoginPolicy): void;
  /** The key's counter was reset (a password success). */
  reset(key: string): void;
  /** Attempts waiting for admission (for tests and metrics). */
  readonly waiting: number;
}

/** Keys remembered at most. */
const MAX_KEYS = 100_000;

interface KeyState {
  inFlight: number;
  /** Failures in the window as last counted, and when that window ends (epoch ms). */
  failures: number;
  windowEndsAt: number;
}

interface Waiter {
  keys: readonly string[];
  policy: FailedLoginPolicy;
  admit: () => void;
}

/**
 * @example
 * ```ts
 * const gate = createAttemptGate({ now: Date.now });
 * const leave = await gate.enter(['ip:10.0.0.7'], settings.failedLogins);
 * try { await compareAndCount(); } finally { leave(); }
 * ```
 */
export function createAttemptGate(options: AttemptGateOptions): AttemptGate {
  const states = new Map<string, KeyState>();
  const queue: Waiter[] = [];

  function stateOf(key: string): KeyState {
    let state = states.get(key);
    if (state === undefined) {
      state = { inFlight: 0, failures: 0, windowEndsAt: 0 };
      states.set(key, state);
    }
    return state;
  }

  function room(key: string, policy: FailedLoginPolicy): boolean {
    const state = states.get(key);
    if (state === undefined) return true;
    const failures = options.now() < state.windowEndsAt ? state.failures : 0;
    // At least one attempt at a time, so that a locked key's waiters are admitted to read the lock.
    return state.inFlight < Math.max(1, policy.maxAttempts - failures);
  }

  function forget(key: string): void {
    const state = states.get(key);
    if (
      state !== undefined &&
      state.inFlight === 0 &&
      (state.failures === 0 || options.now() >= state.windowEndsAt)
    ) {
      states.delete(key);
    }
  }

  function admit(keys: readonly string[]): () => void {
    for (const key of keys) stateOf(key).inFlight++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      for (const key of keys) {
        const state = stateOf(key);
        state.inFlight--;
        forget(key);
      }
      pump();
    };
  }

  function pump(): void {
    for (let i = 0; i < queue.length;) {
      const waiter = queue[i] as Waiter;
      if (waiter.keys.every((key) => room(key, waiter.policy))) {
        queue.splice(i, 1);
        waiter.admit();
      } else {
        i++;
      }
    }
  }

  return {
    enter(keys, policy) {
      const unique = [...new Set(keys)];
      // First come, first served: nobody overtakes an attempt already waiting for one of its keys.
      const blocked = queue.some((waiter) => waiter.keys.some((key) => unique.includes(key)));
      if (!blocked && unique.every((key) => room(key, policy))) return Promise.resolve(admit(unique));
      return new Promise((resolve) => {
        queue.push({ keys: unique, policy, admit: () => resolve(admit(unique)) });
      });
    },
    failureCounted(key, state, policy) {
      // Bounded memory under a spread-out attack: forgetting an idle key's failures leaves it to the lockout in storage.
      if (states.size > MAX_KEYS)
        for (const [name, entry] of states) if (entry.inFlight === 0) states.delete(name);
      const entry = stateOf(key);
      const windowStart = state.windowStartedAt?.getTime();
      entry.failures = state.failures;
      entry.windowEndsAt = windowStart === undefined ? 0 : windowStart + policy.windowMinutes * 60_000;
      forget(key);
    },
    reset(key) {
      const entry = states.get(key);
      if (entry === undefined) return;
      entry.failures = 0;
      entry.windowEndsAt = 0;
      forget(key);
      pump();
    },
    get waiting() {
      return queue.length;
    },
  };
}
