/**
 * bcrypt for token secrets, run in worker threads (issue 3, issue 6 "Cold tokens"): a cold token's
 * comparison takes tens of milliseconds of CPU at cost 10, which must not stall the requests of
 * everyone else on the event loop.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { CryptoError } from './crypto-error.js';
import { createWorkerPool } from './worker-pool.js';

/** Options of {@link createSecretHasher}. */
export interface SecretHasherOptions {
  /**
   * Worker threads; default {@link defaultHasherWorkers}: one core is left to the event loop, so a
   * burst of cold tokens cannot starve the requests of warm ones (issue 6 "Cold tokens").
   */
  workers?: number;
  /** bcrypt cost (log2 rounds) for new hashes, 4–31 (`ATA_BCRYPT_COST`, default there 10). */
  cost: number;
  /**
   * Scheduling niceness of the worker threads, 0–19 (default 10). On Linux, where threads are
   * scheduled individually, the event loop then wins a contended core and bcrypt takes what is left,
   * so a burst of cold tokens slows cold tokens, not everyone's requests. Ignored elsewhere.
   */
  workerNice?: number;
}

/** Hashes and checks secrets off the event loop. */
export interface SecretHasher {
  /** bcrypt hash of `secret` (`$2b$…`). Rejects with `SECRET_TOO_LONG` above 72 UTF-8 bytes. */
  hash(secret: string): Promise<string>;
  /**
   * Whether `secret` matches `hash`. `false` without running bcrypt for a secret above 72 UTF-8 bytes
   * (bcrypt would silently ignore the tail) and for a string that is not a bcrypt hash.
   */
  compare(secret: string, hash: string): Promise<boolean>;
  /** bcrypt comparisons run to completion so far (for metrics and the benchmark). */
  comparisons(): number;
  /** Terminates the workers; pending calls reject with `CLOSED`. */
  close(): Promise<void>;
}

/**
 * The default bcrypt pool size: every core but one, at least one and at most four — `cpus − 1` so
 * that the proxy's event loop always has a core of its own, capped because each worker is a V8
 * isolate (about 10 MB of RSS) and cold tokens are rare once the verified-token cache is warm.
 *
 * @example
 * ```ts
 * defaultHasherWorkers(2); // 1
 * defaultHasherWorkers(16); // 4
 * ```
 */
export function defaultHasherWorkers(cpus: number = availableParallelism()): number {
  return Math.max(1, Math.min(4, cpus - 1));
}

/** bcrypt reads at most 72 bytes of its input. */
export const BCRYPT_MAX_SECRET_BYTES = 72;

const BCRYPT_HASH_PATTERN = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

type HasherJob =
  { op: 'hash'; secret: string; cost: number } | { op: 'compare'; secret: string; hash: string };

const WORKER_SOURCE = `
const bcrypt = require(workerData.bcryptjsPath);
if (workerData.nice > 0) {
  try {
    // /proc/thread-self names this thread only (Linux); renicing the process would slow the event loop too.
    const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) require('node:os').setPriority(tid, workerData.nice);
  } catch {
    // Not Linux, or not allowed: run at normal priority.
  }
}
function handle(job) {
  return job.op === 'hash' ? bcrypt.hashSync(job.secret, job.cost) : bcrypt.compareSync(job.secret, job.hash);
}
`;

function tooLong(secret: string): boolean {
  return (
    secret.length > BCRYPT_MAX_SECRET_BYTES || Buffer.byteLength(secret, 'utf8') > BCRYPT_MAX_SECRET_BYTES
  );
}

/**
 * Starts a bcrypt worker pool (bcryptjs, resolved to an absolute path so the worker finds it from the
 * sources and from the bundle alike).
 *
 * @example
 * ```ts
 * const hasher = createSecretHasher({ cost: 10 });
 * const stored = await hasher.hash(secret);
 * await hasher.compare(secret, stored); // true
 * await hasher.close();
 * ```
 */
export function createSecretHasher(options: SecretHasherOptions): SecretHasher {
  const { cost } = options;
  if (!Number.isInteger(cost) || cost < 4 || cost > 31) {
    throw new TypeError(`bcrypt cost must be an integer from 4 to 31, got ${String(cost)}`);
  }
  const workers = options.workers ?? defaultHasherWorkers();
  const nice = options.workerNice ?? 10;
  if (!Number.isInteger(nice) || nice < 0 || nice > 19) {
    throw new TypeError(`workerNice must be an integer from 0 to 19, got ${String(nice)}`);
  }
  const pool = createWorkerPool<HasherJob, string | boolean>({
    size: workers,
    source: WORKER_SOURCE,
    workerData: { bcryptjsPath: createRequire(import.meta.url).resolve('bcryptjs'), nice },
  });
  let comparisons = 0;

  return {
    async hash(secret: string): Promise<string> {
      if (typeof secret !== 'string') throw new TypeError('secret must be a string');
      if (tooLong(secret)) {
        throw new CryptoError(
          'SECRET_TOO_LONG',
          `secrets longer than ${BCRYPT_MAX_SECRET_BYTES} bytes cannot be hashed with bcrypt`,
        );
      }
      return (await pool.run({ op: 'hash', secret, cost })) as string;
    },
    async compare(secret: string, hash: string): Promise<boolean> {
      if (typeof secret !== 'string' || typeof hash !== 'string') return false;
      if (tooLong(secret) || !BCRYPT_HASH_PATTERN.test(hash)) return false;
      const matches = (await pool.run({ op: 'compare', secret, hash })) === true;
      comparisons++;
      return matches;
    },
    comparisons: () => comparisons,
    close: () => pool.close(),
  };
}
