/**
 * Structured logging (pino). Credentials never reach a log line: known secret-bearing fields are
 * redacted wherever they appear, and access lines are built from an explicit allow-list of fields
 * (no headers, no query string — a query may carry a token or password).
 */
import pino from 'pino';
import type { Logger } from 'pino';
import { createSystemClock } from '../clock.js';
import { createAccessLineEncoder, type AccessFields, type AccessLineEncoder } from './access-line.js';

export type { Logger } from 'pino';

/** Paths pino censors in every log object (any depth pino supports with wildcards). */
export const REDACTED_PATHS: readonly string[] = [
  'authorization',
  'cookie',
  'password',
  'token',
  'secret',
  'secretHash',
  '*.authorization',
  '*.cookie',
  '*.password',
  '*.token',
  '*.secret',
  '*.secretHash',
  '*["x-api-token-auth-secret"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-token-auth-secret"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-token-auth-secret"]',
  'config.servicePassword',
  'config.identitySecret',
  'servicePassword',
  'identitySecret',
];

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  level?: string;
  /** Where lines go (default stdout). Production passes `createFdDestination(2)`; tests a stream. */
  destination?: pino.DestinationStream;
  /** Extra base fields, e.g. `{ product: 'jira' }`. */
  base?: Record<string, unknown>;
}

/**
 * Access lines wait until they make this many bytes (about 250 lines) … More lines share each write's
 * fixed cost: under load, the write took 0.4–0.6 µs per line with 64 KB batches against 1.1 µs with
 * 16 KB ones (issue 6 profile).
 */
const ACCESS_BATCH_BYTES = 65_536;
/** … or for this long at most. */
const ACCESS_BATCH_MS = 100;

interface AccessLineBatch {
  access(fields: AccessFields): void;
  flush(): void;
}

/**
 * Access lines wait in their encoder and are written together: at about 64 KB, after at most 100 ms,
 * before any other line of the logger, and on `flush`. `write` is given a view of the encoder's buffer:
 * it writes it at once or copies it.
 */
function createAccessLineBatch(
  encoder: AccessLineEncoder,
  write: (bytes: Buffer) => unknown,
): AccessLineBatch {
  // `Date.now()` per line was half a µs in the profile (issue 6).
  const { now } = createSystemClock();
  let timer: NodeJS.Timeout | undefined;

  function flush(): void {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (encoder.size > 0) write(encoder.take());
  }

  return {
    access(fields) {
      encoder.append(now(), fields);
      if (encoder.size >= ACCESS_BATCH_BYTES) flush();
      else if (timer === undefined) {
        timer = setTimeout(flush, ACCESS_BATCH_MS);
        // Waiting lines never keep a process alive; the exit path flushes them.
        timer.unref();
      }
    },
    flush,
  };
}

/**
 * A destination that takes bytes as they are (`createFdDestination`, which writes them before it
 * returns); others are given text.
 */
function bytesWriter(stream: { write(text: string): unknown }): (bytes: Buffer) => unknown {
  const takesBytes = stream as { writeBytes?: (bytes: Uint8Array) => unknown };
  if (typeof takesBytes.writeBytes === 'function') return (bytes) => takesBytes.writeBytes?.(bytes);
  return (bytes) => stream.write(bytes.toString('utf8'));
}

/**
 * A pino logger with the gateway's redaction rules, and a batch for its access lines
 * ({@link createAccessLog}).
 *
 * @example
 * ```ts
 * const logger = createLogger({ level: 'info' });
 * logger.info({ authorization: 'Basic …' }, 'never printed in clear'); // authorization: "[redacted]"
 * ```
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  /** The logger's access-line batch, once the logger exists (the batch needs its bindings and stream). */
  const access: { batch?: AccessLineBatch } = {};
  const pinoOptions: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: 'api-token-auth', ...options.base },
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Before any other line, the waiting access lines are written, so the log stays in order.
    hooks: {
      streamWrite(line: string) {
        access.batch?.flush();
        return line;
      },
    },
  };
  const logger =
    options.destination === undefined ? pino(pinoOptions) : pino(pinoOptions, options.destination);
  const bindings = (internalsOf(logger)[pino.symbols.chindingsSym] as string | undefined) ?? '';
  const batch = createAccessLineBatch(
    createAccessLineEncoder(bindings, ACCESS_BATCH_BYTES + 16_384),
    bytesWriter(streamOf(logger)),
  );
  access.batch = batch;
  accessBatches.set(logger, batch);
  return logger;
}

function internalsOf(logger: Logger): Record<symbol, unknown> {
  return logger as unknown as Record<symbol, unknown>;
}

/** Where pino writes `logger`'s lines. */
function streamOf(logger: Logger): { write(text: string): unknown } {
  return internalsOf(logger)[pino.symbols.streamSym] as { write(text: string): unknown };
}

/** The access-line batch of each logger made by {@link createLogger}. */
const accessBatches = new WeakMap<Logger, AccessLineBatch>();

/**
 * Writes the access lines still waiting for `logger` (call on exit: with a synchronous destination such
 * as `createFdDestination`, they are written when this returns).
 *
 * @example
 * ```ts
 * flushAccessLines(logger);
 * process.exit(0);
 * ```
 */
export function flushAccessLines(logger: Logger): void {
  accessBatches.get(logger)?.flush();
}

/** One access-log line: what happened, never how the caller authenticated. */
export type AccessLogEntry = AccessFields;

/**
 * Drops the query string (it may carry `?token=…` or `os_password=…`) and caps the length.
 *
 * @example
 * ```ts
 * pathForLog('/rest/api/2/issue/X-1?os_password=secret'); // '/rest/api/2/issue/X-1'
 * ```
 */
export function pathForLog(rawUrl: string | undefined): string {
  const url = rawUrl ?? '';
  const query = url.indexOf('?');
  const fragment = url.indexOf('#');
  const end = query === -1 ? fragment : fragment === -1 ? query : Math.min(query, fragment);
  const path = end === -1 ? url : url.slice(0, end);
  return path.length > 512 ? `${path.slice(0, 512)}…` : path;
}

/**
 * The access-log writer for `logger`: each call writes one line at `info`, exactly as `logAccess`
 * would (same fields, same order, same JSON), but for a logger made by {@link createLogger} the line is
 * built directly (`access-line.ts`) and written with others in a batch, within 100 ms. Any other
 * logger gets `logAccess`.
 *
 * @example
 * ```ts
 * const access = createAccessLog(logger);
 * access({ method: 'GET', path: '/rest/api/2/myself', status: 200, outcome: 'forward-as-user', ms: 3.2, clientIp: '10.0.0.1', user: 'alice' });
 * ```
 */
export function createAccessLog(logger: Logger): (entry: AccessLogEntry) => void {
  const batch = accessBatches.get(logger);
  if (batch === undefined) {
    // Access lines are built from an explicit list of fields that never holds a credential, so the
    // key-based redaction (a third of a line's cost, issue 6 profile) has nothing to do there.
    const unredacted = logger.child({}, { redact: [] });
    return (entry) => logAccess(unredacted, entry);
  }
  const INFO = 30;
  // pino's level is a getter; it is read again only when it changes.
  let enabled = logger.levelVal <= INFO;
  logger.on('level-change', () => {
    enabled = logger.levelVal <= INFO;
  });
  return (entry) => {
    if (enabled) batch.access(entry);
  };
}

/**
 * Writes one access line at `info` through pino (see {@link createAccessLog} for the batched writer).
 *
 * @example
 * ```ts
 * logAccess(logger, { method: 'GET', path: '/rest/api/2/myself', status: 200, outcome: 'forward-as-user', ms: 3.2, clientIp: '10.0.0.1', user: 'alice' });
 * ```
 */
export function logAccess(logger: Logger, entry: AccessLogEntry): void {
  if (!logger.isLevelEnabled('info')) return;
  logger.info(
    {
      method: entry.method,
      path: entry.path,
      status: entry.status,
      outcome: entry.outcome,
      ms: Math.round(entry.ms * 100) / 100,
      clientIp: entry.clientIp,
      user: entry.user,
    },
    'request',
  );
}
