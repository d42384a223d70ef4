import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSecretHasher, defaultHasherWorkers, type SecretHasher } from './secret-hasher.js';

const SECRET = 'Zx8kP2mQ7rT4vW9yB3nC6dF1gH5jK0lS';
let hasher: SecretHasher;

beforeAll(() => {
  hasher = createSecretHasher({ cost: 4, workers: 2 });
});

afterAll(async () => {
  await hasher.close();
});

describe('createSecretHasher', () => {
  test('hash then compare round-trips; a wrong secret is false', async () => {
    const hash = await hasher.hash(SECRET);
    expect(hash).toMatch(/^\$2b\$04\$[./A-Za-z0-9]{53}$/);
    expect(hash).not.toContain(SECRET);
    await expect(hasher.compare(SECRET, hash)).resolves.toBe(true);
    await expect(hasher.compare(`${SECRET}x`, hash)).resolves.toBe(false);
    await expect(hasher.compare(SECRET.slice(0, -1), hash)).resolves.toBe(false);
    await expect(hasher.compare('', hash)).resolves.toBe(false);
  });

  test('hashes are salted', async () => {
    const [a, b] = await Promise.all([hasher.hash(SECRET), hasher.hash(SECRET)]);
    expect(a).not.toBe(b);
  });

  test('interoperates with bcryptjs on the main thread (same algorithm, any $2a/$2b hash)', async () => {
    const hash = await hasher.hash(SECRET);
    expect(bcrypt.compareSync(SECRET, hash)).toBe(true);
    await expect(hasher.compare(SECRET, bcrypt.hashSync(SECRET, 4))).resolves.toBe(true);
  });

  test('counts comparisons that ran, and only those', async () => {
    const hash = await hasher.hash(SECRET);
    const before = hasher.comparisons();
    await Promise.all([
      hasher.compare(SECRET, hash),
      hasher.compare('nope', hash),
      hasher.compare(SECRET, hash),
    ]);
    expect(hasher.comparisons() - before).toBe(3);
    await hasher.compare('x'.repeat(73), hash);
    await hasher.compare(SECRET, 'not a hash');
    expect(hasher.comparisons() - before).toBe(3);
  });

  test('a secret whose tail bcrypt would ignore is refused instead of truncated', async () => {
    const base = 'a'.repeat(72);
    const hash = await hasher.hash(base);
    // bcrypt itself would say true here: it reads only 72 bytes.
    expect(bcrypt.compareSync(`${base}EXTRA`, hash)).toBe(true);
    await expect(hasher.compare(`${base}EXTRA`, hash)).resolves.toBe(false);
    await expect(hasher.compare(base, hash)).resolves.toBe(true);
    // 36 two-byte characters = 72 bytes is fine, 37 is not.
    await expect(hasher.compare('é'.repeat(37), hash)).resolves.toBe(false);
    await expect(hasher.hash(`${base}!`)).rejects.toMatchObject({ code: 'SECRET_TOO_LONG' });
    await expect(hasher.hash('é'.repeat(36))).resolves.toMatch(/^\$2b\$/);
  });

  test.each([
    ['empty', ''],
    ['garbage', 'not-a-hash'],
    ['truncated', '$2b$04$abcdefghijklmnopqrstuv'],
    ['unknown variant', `$2x$04$${'a'.repeat(53)}`],
    ['cost out of range', `$2b$03$${'a'.repeat(53)}`],
  ])('a malformed stored hash (%s) compares false without running bcrypt', async (_name, hash) => {
    const before = hasher.comparisons();
    await expect(hasher.compare(SECRET, hash)).resolves.toBe(false);
    expect(hasher.comparisons()).toBe(before);
  });

  test('compares run off the event loop: the loop keeps turning while four are in flight', async () => {
    // Cost 8: long enough per compare that running it on the loop would show, short enough for CI.
    const slow = createSecretHasher({ cost: 8, workers: 2 });
    try {
      const hash = bcrypt.hashSync(SECRET, 8);
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      let turns = 0;
      let settled = false;
      const ping = (): void => {
        if (settled) return;
        turns++;
        setImmediate(ping);
      };
      setImmediate(ping);
      const turnsAtStart = turns;
      const results = Promise.all([0, 1, 2, 3].map(() => slow.compare(SECRET, hash)));
      const turnsWhenDone = await results.then(() => turns);
      settled = true;
      delay.disable();
      await expect(results).resolves.toEqual([true, true, true, true]);
      // bcrypt on the loop would have finished all four before a single setImmediate ran.
      expect(turnsWhenDone - turnsAtStart).toBeGreaterThan(1);
      expect(slow.comparisons()).toBe(4);
      // Reported, not asserted: the shared CI machine makes timing noisy.
      console.info(
        `event-loop delay while comparing: max ${(delay.max / 1e6).toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms`,
      );
    } finally {
      await slow.close();
    }
  });

  test('close terminates the workers: later calls reject with CLOSED', async () => {
    const closing = createSecretHasher({ cost: 4, workers: 1 });
    const hash = await closing.hash(SECRET);
    await closing.close();
    await expect(closing.compare(SECRET, hash)).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(closing.hash(SECRET)).rejects.toMatchObject({ code: 'CLOSED' });
  });

  test.each([3, 32, 10.5, Number.NaN])('refuses cost %s', (cost) => {
    expect(() => createSecretHasher({ cost })).toThrow(TypeError);
  });
});

describe('defaultHasherWorkers', () => {
  test.each([
    [1, 1],
    [2, 1],
    [3, 2],
    [5, 4],
    [64, 4],
  ])('%i CPUs → %i workers (one core stays with the event loop)', (cpus, workers) => {
    expect(defaultHasherWorkers(cpus)).toBe(workers);
  });
});

/** Niceness from a Linux `stat` file (field 19). */
function niceOf(statFile: string): number {
  const stat = readFileSync(statFile, 'utf8');
  // Fields after the parenthesised command name, which may contain spaces.
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/** Niceness of every thread of this process. */
function threadNiceness(): number[] {
  return readdirSync('/proc/self/task').map((tid) => niceOf(`/proc/self/task/${tid}/stat`));
}

describe.runIf(existsSync('/proc/thread-self'))('worker priority (Linux)', () => {
  test('bcrypt workers run niced, the event loop thread does not', async () => {
    const before = threadNiceness().filter((nice) => nice === 7).length;
    const niced = createSecretHasher({ cost: 4, workers: 2, workerNice: 7 });
    try {
      // Each worker renices itself when it starts; by the time both have answered a job, both have.
      await Promise.all([niced.hash('a'), niced.hash('b')]);
      expect(threadNiceness().filter((nice) => nice === 7).length - before).toBe(2);
      expect(niceOf('/proc/thread-self/stat')).toBe(0);
    } finally {
      await niced.close();
    }
  });

  test('a niceness outside 0–19 is refused', () => {
    expect(() => createSecretHasher({ cost: 4, workerNice: 20 })).toThrow(TypeError);
    expect(() => createSecretHasher({ cost: 4, workerNice: -1 })).toThrow(TypeError);
  });
});
