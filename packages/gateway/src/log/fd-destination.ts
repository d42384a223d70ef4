/**
 * A pino destination that writes to a file descriptor at once, in one blocking `write` per call: the
 * gateway's log lines reach stderr in batches (`logger.ts`), so a line is never lost on exit and never
 * waits in a second buffer.
 */
import { writeSync } from 'node:fs';

/** Something to `Atomics.wait` on for a short pause. */
const pause = new Int32Array(new SharedArrayBuffer(4));

/** After a failed write: a full non-blocking pipe (`EAGAIN`) gets a short pause, anything else is thrown. */
function pauseIfPipeFull(error: unknown): 0 {
  if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
  Atomics.wait(pause, 0, 0, 5);
  return 0;
}

/**
 * Writes all of `data` (text or bytes) to `fd`: text goes to the kernel as it is (no `Buffer` of our
 * own), and only a partial write (a full non-blocking pipe) turns the rest into bytes to retry.
 *
 * @example
 * ```ts
 * writeAllSync(2, '{"level":30,…}\n');
 * ```
 */
export function writeAllSync(fd: number, data: string | Uint8Array): void {
  const text = typeof data === 'string' ? data : null;
  let written: number;
  try {
    written = text === null ? writeSync(fd, data as Uint8Array) : writeSync(fd, text);
  } catch (error) {
    written = pauseIfPipeFull(error);
  }
  const bytes = text === null ? (data as Uint8Array) : null;
  if (written === (bytes === null ? Buffer.byteLength(data, 'utf8') : bytes.length)) return;
  let rest = (bytes ?? Buffer.from(data as string, 'utf8')).subarray(written);
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (error) {
      pauseIfPipeFull(error);
    }
  }
}

/** A pino destination that also takes bytes as they are (the access-line batches, `logger.ts`). */
export interface FdDestination {
  write(text: string): boolean;
  writeBytes(bytes: Uint8Array): void;
}

/**
 * A destination for `createLogger` writing synchronously to `fd`. A failing destination (a closed
 * pipe) cannot report that it fails: its errors are dropped rather than thrown into a request.
 *
 * @example
 * ```ts
 * const logger = createLogger({ destination: createFdDestination(2) });
 * ```
 */
export function createFdDestination(fd: number): FdDestination {
  function writeAll(data: string | Uint8Array): void {
    try {
      writeAllSync(fd, data);
    } catch {
      // Nowhere left to say so.
    }
  }
  return {
    write(text) {
      writeAll(text);
      return true;
    },
    writeBytes: writeAll,
  };
}
