/**
 * A small pool of `worker_threads` running one CPU-bound job at a time each (issue 3: "bcrypt runs off
 * the event loop"). Jobs wait in a FIFO queue for an idle worker. A worker that dies is replaced and
 * only the job it was running is rejected. Idle workers are unref'd, so a pool never keeps a finished
 * process alive, while a pending job does.
 *
 * Workers are started from source text (`eval: true`) rather than a file: the same code then runs from
 * the TypeScript sources under vitest and from the tsup bundle, with no second build entry to keep in
 * step.
 */
import { Worker } from 'node:worker_threads';
import { CryptoError } from './crypto-error.js';

/** Options of {@link createWorkerPool}. */
export interface WorkerPoolOptions {
  /** Number of worker threads (at least 1). */
  size: number;
  /**
   * CommonJS source text that defines `function handle(payload) { … }` returning the result
   * synchronously; `require` and `workerData` are in scope. Thrown errors reject the job with
   * `JOB_FAILED` (their message is passed on, so it must not contain secrets).
   */
  source: string;
  /** Structured-cloneable data exposed to `source` as `workerData`. */
  workerData?: unknown;
}

/** A running pool. */
export interface WorkerPool<Payload, Result> {
  /** Runs one job; rejects with a {@link CryptoError}. */
  run(payload: Payload): Promise<Result>;
  /** Number of workers currently alive. */
  size(): number;
  /** Rejects queued and running jobs with `CLOSED` and terminates the workers. */
  close(): Promise<void>;
}

interface Job<Payload, Result> {
  id: number;
  payload: Payload;
  resolve(result: Result): void;
  reject(error: CryptoError): void;
}

interface Slot<Payload, Result> {
  worker: Worker;
  job: Job<Payload, Result> | null;
}

type Reply<Result> = { id: number; ok: true; value: Result } | { id: number; ok: false; message: string };

const RESPAWN_DELAY_MAX_MS = 1_000;

function wrapSource(source: string): string {
  return `'use strict';
const { parentPort, workerData } = require('node:worker_threads');
${source}
parentPort.on('message', (job) => {
  let reply;
  try {
    reply = { id: job.id, ok: true, value: handle(job.payload) };
  } catch (error) {
    reply = { id: job.id, ok: false, message: error && typeof error.message === 'string' ? error.message : 'job failed' };
  }
  parentPort.postMessage(reply);
});
`;
}

/**
 * Starts `size` workers running `source`.
 *
 * @example
 * ```ts
 * const pool = createWorkerPool<number, number>({ size: 2, source: 'function handle(n) { return n * 2; }' });
 * await pool.run(21); // 42
 * await pool.close();
 * ```
 */
export function createWorkerPool<Payload, Result>(options: WorkerPoolOptions): WorkerPool<Payload, Result> {
  if (!Number.isInteger(options.size) || options.size < 1) {
    throw new TypeError(`worker pool size must be a positive integer, got ${String(options.size)}`);
  }
  const code = wrapSource(options.source);
  const slots = new Set<Slot<Payload, Result>>();
  const queue: Array<Job<Payload, Result>> = [];
  let nextId = 1;
  let closed = false;
  /** Consecutive deaths without a finished job in between: backs off respawning a broken worker. */
  let failures = 0;

  function spawn(): void {
    if (closed) return;
    const worker = new Worker(code, { eval: true, workerData: options.workerData });
    const slot: Slot<Payload, Result> = { worker, job: null };
    slots.add(slot);
    worker.unref();
    worker.on('message', (reply: Reply<Result>) => {
      const job = slot.job;
      if (job === null || job.id !== reply.id) return;
      slot.job = null;
      failures = 0;
      worker.unref();
      if (reply.ok) job.resolve(reply.value);
      else job.reject(new CryptoError('JOB_FAILED', `worker job failed: ${reply.message}`));
      pump();
    });
    // 'error' (an uncaught exception in the worker) is always followed by 'exit'.
    worker.on('error', () => {});
    worker.on('exit', () => {
      slots.delete(slot);
      const job = slot.job;
      slot.job = null;
      if (closed) {
        job?.reject(new CryptoError('CLOSED', 'the worker pool was closed'));
        return;
      }
      job?.reject(
        new CryptoError(
          'WORKER_FAILED',
          'the worker thread died while running the job; it has been replaced',
        ),
      );
      failures++;
      const delay = failures <= 1 ? 0 : Math.min(RESPAWN_DELAY_MAX_MS, 10 * 2 ** failures);
      const timer = setTimeout(() => {
        spawn();
        pump();
      }, delay);
      timer.unref();
      // Keep the process alive for queued jobs while the replacement is on its way.
      if (queue.length > 0) timer.ref();
    });
  }

  function pump(): void {
    for (const slot of slots) {
      if (queue.length === 0) return;
      if (slot.job !== null) continue;
      const job = queue.shift() as Job<Payload, Result>;
      slot.job = job;
      slot.worker.ref();
      slot.worker.postMessage({ id: job.id, payload: job.payload });
    }
  }

  for (let i = 0; i < options.size; i++) spawn();

  return {
    run(payload: Payload): Promise<Result> {
      if (closed) return Promise.reject(new CryptoError('CLOSED', 'the worker pool was closed'));
      return new Promise<Result>((resolve, reject) => {
        queue.push({ id: nextId++, payload, resolve, reject });
        pump();
      });
    },
    size: () => slots.size,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const job of queue.splice(0)) job.reject(new CryptoError('CLOSED', 'the worker pool was closed'));
      await Promise.all([...slots].map((slot) => slot.worker.terminate()));
    },
  };
}
