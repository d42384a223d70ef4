/**
 * A pino destination that formats and writes on a worker thread (issue 6). The request thread only
 * records raw fields in a batch (`log-entries.ts`); every 100 ms, or at 256 entries, the batch goes to
 * the log thread, which turns it into pino's JSON lines and writes them to the file descriptor in one
 * blocking `write` — on another core, off the event loop that serves requests. Without a thread
 * (`thread: false`) the batch holds 32 entries and this thread formats and writes it. Lines pino
 * writes (warnings, errors) travel in the same batches, so the log keeps its order.
 *
 * Nothing is lost on the way out: `flushSync` hands over the last batch and waits (up to a few
 * seconds) until the log thread has written everything. If the log thread dies, this thread writes
 * the batches it had not confirmed, and every later one, itself.
 */
import { writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import {
  createLogBatch,
  formatLogEntries,
  type AccessFields,
  type LogBatch,
  type LogEntries,
} from './log-entries.js';

/** Entries per batch handed to the log thread (one message each). */
const THREAD_BATCH_ENTRIES = 256;

/** The destination {@link createThreadedLogDestination} returns: pino writes lines, the gateway access fields. */
export interface ThreadedLogDestination {
  /** A formatted line (pino calls this). */
  write(line: string): boolean;
  /** One access line's fields; `bindings` is the logger's `,"service":…` text. */
  access(bindings: string, fields: AccessFields): void;
  /** Hands everything over and waits until it is written (for exit paths). */
  flushSync(): void;
  /** Writes what is waiting and stops the log thread. */
  end(): Promise<void>;
  /** The log thread while it runs (for tests). @internal */
  readonly logThread: Worker | null;
}

/** Options of {@link createThreadedLogDestination}. */
export interface ThreadedLogDestinationOptions {
  /** Where lines go, e.g. 2 for stderr. */
  fd: number;
  /**
   * Format and write on a worker thread (default `true`). `false`: the same batches are formatted and
   * written (one blocking `write` per batch) on this thread — no worker isolate (about 12 MB of RSS),
   * at the price of the formatting on the event loop.
   */
  thread?: boolean;
  /** Longest a line waits before it is handed over (default 100 ms). */
  flushMs?: number;
  /** How long `flushSync` waits for the log thread (default 5000 ms). */
  flushTimeoutMs?: number;
}

/** Slot 0: how many batches the log thread has written (it counts up and notifies). */
const WRITTEN = 0;

const WORKER_SOURCE = `'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const formatLogEntries = ${formatLogEntries.toString()};
const written = new Int32Array(workerData.written);
const pause = new Int32Array(new SharedArrayBuffer(4));
function writeAll(fd, text) {
  let buffer = Buffer.from(text, 'utf8');
  while (buffer.length > 0) {
    try {
      buffer = buffer.subarray(writeSync(fd, buffer));
    } catch (error) {
      // A non-blocking pipe that is full: wait a moment and write the rest.
      if (error.code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}
parentPort.on('message', (entries) => {
  writeAll(workerData.fd, formatLogEntries(entries));
  Atomics.add(written, ${WRITTEN}, 1);
  Atomics.notify(written, ${WRITTEN});
});
`;

/** Something to `Atomics.wait` on for a short pause. */
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes `text` to `fd` from this thread, retrying while a non-blocking pipe is full. */
function writeHere(fd: number, text: string): void {
  let buffer = Buffer.from(text, 'utf8');
  while (buffer.length > 0) {
    try {
      buffer = buffer.subarray(writeSync(fd, buffer));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}

/**
 * Starts the log thread and returns its destination.
 *
 * @example
 * ```ts
 * const destination = createThreadedLogDestination({ fd: 2 });
 * const logger = createLogger({ destination }); // access lines and pino lines both go through it
 * process.on('exit', () => destination.flushSync());
 * ```
 */
export function createThreadedLogDestination(options: ThreadedLogDestinationOptions): ThreadedLogDestination {
  const { fd } = options;
  const flushTimeoutMs = options.flushTimeoutMs ?? 5_000;
  const written = new Int32Array(new SharedArrayBuffer(4));
  /** Batches handed to the log thread and not yet confirmed written, oldest first. */
  const unconfirmed: LogEntries[] = [];
  let handedOver = 0;
  let confirmed = 0;
  let worker: Worker | null =
    options.thread === false
      ? null
      : new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { fd, written: written.buffer },
          // A small heap: the thread holds one batch at a time.
          resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
        });
  // The log thread never keeps the process alive; exit paths call flushSync.
  worker?.unref();

  function forgetConfirmed(): void {
    const now = Atomics.load(written, WRITTEN);
    while (confirmed < now && unconfirmed.length > 0) {
      unconfirmed.shift();
      confirmed += 1;
    }
  }

  /** From now on this thread writes; first whatever the log thread may not have written. */
  function writeHereFromNowOn(reason: unknown): void {
    if (worker === null) return;
    worker = null;
    forgetConfirmed();
    const message = reason instanceof Error ? reason.message : String(reason);
    const notice = `${JSON.stringify({ level: 40, time: new Date().toISOString(), service: 'api-token-auth', msg: `the log thread stopped (${message}); logs are written on the main thread` })}\n`;
    try {
      for (const entries of unconfirmed.splice(0)) writeHere(fd, formatLogEntries(entries));
      writeHere(fd, notice);
    } catch {
      // The destination itself fails: there is nowhere left to say so.
    }
  }

  function deliver(entries: LogEntries): void {
    if (worker === null) {
      try {
        writeHere(fd, formatLogEntries(entries));
      } catch {
        // As above: a destination that fails cannot report it.
      }
      return;
    }
    forgetConfirmed();
    unconfirmed.push(entries);
    handedOver += 1;
    worker.postMessage(entries);
  }

  const batch: LogBatch = createLogBatch({
    deliver,
    // Without a thread, the batch's default size: it is formatted here, between two requests.
    ...(worker === null ? {} : { maxEntries: THREAD_BATCH_ENTRIES }),
    ...(options.flushMs === undefined ? {} : { flushMs: options.flushMs }),
  });
  worker?.on('error', writeHereFromNowOn);
  worker?.on('exit', (code) => writeHereFromNowOn(new Error(`exit code ${code}`)));

  function flushSync(): void {
    batch.flush();
    const deadline = Date.now() + flushTimeoutMs;
    while (worker !== null) {
      const now = Atomics.load(written, WRITTEN);
      if (now >= handedOver) break;
      const left = deadline - Date.now();
      if (left <= 0) {
        writeHereFromNowOn(new Error(`no answer within ${flushTimeoutMs} ms`));
        break;
      }
      Atomics.wait(written, WRITTEN, now, left);
    }
    forgetConfirmed();
  }

  return {
    write(line) {
      batch.raw(line);
      return true;
    },
    access: (bindings, fields) => batch.access(bindings, fields),
    flushSync,
    get logThread() {
      return worker;
    },
    async end() {
      flushSync();
      const running = worker;
      worker = null;
      await running?.terminate();
    },
  };
}

/** Whether `destination` is one made by {@link createThreadedLogDestination}. */
export function isThreadedLogDestination(destination: unknown): destination is ThreadedLogDestination {
  return (
    typeof destination === 'object' &&
    destination !== null &&
    typeof (destination as Partial<ThreadedLogDestination>).access === 'function' &&
    typeof (destination as Partial<ThreadedLogDestination>).flushSync === 'function'
  );
}
