import type { FailedLoginState } from '@api-token-auth/token-policy';
import { describe, expect, test } from 'vitest';
import { createAttemptGate } from './attempt-gate.js';

const policy = { maxAttempts: 3, windowMinutes: 15, lockoutMinutes: 15 };
const T0 = Date.parse('2026-01-01T00:00:00Z');

function failed(failures: number, windowStartedAt = T0): FailedLoginState {
  return {
    failures,
    windowStartedAt: new Date(windowStartedAt),
    lastFailureAt: new Date(windowStartedAt),
    lockedUntil: failures >= policy.maxAttempts ? new Date(windowStartedAt + 15 * 60_000) : null,
  };
}

/** Enters and records the admission order without waiting for it. */
function enterAll(gate: ReturnType<typeof createAttemptGate>, keys: string[][], admitted: number[]) {
  return keys.map((k, index) =>
    gate.enter(k, policy).then((leave) => {
      admitted.push(index);
      return leave;
    }),
  );
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('createAttemptGate', () => {
  test('a fresh key admits maxAttempts at once; the rest wait', async () => {
    const gate = createAttemptGate({ now: () => T0 });
    const admitted: number[] = [];
    const entries = enterAll(
      gate,
      Array.from({ length: 5 }, () => ['ip:10.0.0.7']),
      admitted,
    );
    await settle();
    expect(admitted).toEqual([0, 1, 2]);
    expect(gate.waiting).toBe(2);
    (await entries[0])?.();
    await settle();
    expect(admitted).toEqual([0, 1, 2, 3]);
  });

  test('each counted failure leaves one place fewer, but a locked key still admits one at a time', async () => {
    const gate = createAttemptGate({ now: () => T0 });
    const admitted: number[] = [];
    const entries = enterAll(
      gate,
      Array.from({ length: 6 }, () => ['ip:10.0.0.7']),
      admitted,
    );
    await settle();
    expect(admitted).toEqual([0, 1, 2]);
    for (const [index, failures] of [
      [0, 1],
      [1, 2],
      [2, 3],
    ] as const) {
      gate.failureCounted('ip:10.0.0.7', failed(failures), policy);
      (await entries[index])?.();
      await settle();
    }
    // Three failures counted: the key is locked, and one waiter at a time gets in to read the lock.
    expect(admitted).toEqual([0, 1, 2, 3]);
    (await entries[3])?.();
    await settle();
    expect(admitted).toEqual([0, 1, 2, 3, 4]);
  });

  test('failures of an expired window no longer count', async () => {
    let now = T0;
    const gate = createAttemptGate({ now: () => now });
    gate.failureCounted('user:alice', failed(2), policy);
    const admitted: number[] = [];
    enterAll(
      gate,
      Array.from({ length: 3 }, () => ['user:alice']),
      admitted,
    );
    await settle();
    expect(admitted).toEqual([0]);
    now = T0 + 15 * 60_000;
    const later: number[] = [];
    enterAll(gate, [['user:bob'], ['user:alice']], later);
    await settle();
    // bob is free; alice's next waiter is first in line, the new alice attempt queues behind it.
    expect(later).toEqual([0]);
  });

  test('an attempt needs room on every one of its keys; keys do not block each other', async () => {
    const gate = createAttemptGate({ now: () => T0 });
    gate.failureCounted('user:alice', failed(2), policy);
    const admitted: number[] = [];
    const entries = enterAll(
      gate,
      [['ip:10.0.0.1', 'user:alice'], ['ip:10.0.0.2', 'user:alice'], ['ip:10.0.0.3']],
      admitted,
    );
    await settle();
    expect(admitted).toEqual([0, 2]);
    (await entries[0])?.();
    await settle();
    expect(admitted).toEqual([0, 2, 1]);
  });

  test('a reset (password success) gives the key its full allowance back', async () => {
    const gate = createAttemptGate({ now: () => T0 });
    gate.failureCounted('user:alice', failed(2), policy);
    const admitted: number[] = [];
    enterAll(
      gate,
      Array.from({ length: 3 }, () => ['user:alice']),
      admitted,
    );
    await settle();
    expect(admitted).toEqual([0]);
    gate.reset('user:alice');
    await settle();
    expect(admitted).toEqual([0, 1, 2]);
  });

  test('leaving twice frees one place only', async () => {
    const gate = createAttemptGate({ now: () => T0 });
    const admitted: number[] = [];
    const entries = enterAll(
      gate,
      Array.from({ length: 5 }, () => ['ip:10.0.0.7']),
      admitted,
    );
    await settle();
    const leave = await entries[0];
    leave?.();
    leave?.();
    await settle();
    expect(admitted).toEqual([0, 1, 2, 3]);
  });
});
