/**
 * Knobs of the load benchmark, read from the environment so that a quick look and a careful run use
 * the same code: `BENCH_DURATION=2 BENCH_ROUNDS=1 npm run bench` is a smoke run.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** The benchmark's settings. */
export interface BenchSettings {
  /** Measured seconds per case and round (`BENCH_DURATION`, default 3). */
  durationSeconds: number;
  /** Warm-up seconds before a case's first round (`BENCH_WARMUP`, default 3; later rounds get a third). */
  warmupSeconds: number;
  /** Concurrent connections of the load generator (`BENCH_CONNECTIONS`, default 10). */
  connections: number;
  /** Rounds over all cases, interleaved so slow phases of a shared machine hit every case (`BENCH_ROUNDS`, default 3). */
  rounds: number;
  /** Where the gateways keep their SQLite files (`BENCH_DB_DIR`, default the OS temp directory). */
  databaseDir: string;
  /** Where large seeded databases go (`BENCH_SEED_DIR`; default `/dev/shm` when present: seeding 100,000 rows commits 100,000 times). */
  seedDir: string;
  /** Tokens in the large store (`BENCH_TOKENS`, default 100,000). */
  largeStoreTokens: number;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number, integer = false): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be a positive ${integer ? 'integer' : 'number'}, got "${text}"`);
  }
  return value;
}

/**
 * @example
 * ```ts
 * const settings = readBenchSettings(process.env); // { durationSeconds: 6, connections: 10, … }
 * ```
 */
export function readBenchSettings(env: NodeJS.ProcessEnv): BenchSettings {
  return {
    durationSeconds: positive(env, 'BENCH_DURATION', 3),
    warmupSeconds: positive(env, 'BENCH_WARMUP', 3),
    connections: positive(env, 'BENCH_CONNECTIONS', 10, true),
    rounds: positive(env, 'BENCH_ROUNDS', 3, true),
    databaseDir: env.BENCH_DB_DIR ?? tmpdir(),
    seedDir: env.BENCH_SEED_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir()),
    largeStoreTokens: positive(env, 'BENCH_TOKENS', 100_000, true),
  };
}
