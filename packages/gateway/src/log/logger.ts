/**
 * Structured logging (pino). Credentials never reach a log line: known secret-bearing fields are
 * redacted wherever they appear, and access lines are built from an explicit allow-list of fields
 * (no headers, no query string — a query may carry a token or password).
 */
import pino from 'pino';
import type { Logger } from 'pino';
import { createLogBatch, formatLogEntries, type AccessFields, type LogBatch } from './log-entries.js';
import { isThreadedLogDestination } from './log-thread.js';

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
  /** Where lines go (default stdout). Tests pass a stream to capture lines. */
  destination?: pino.DestinationStream;
  /** Extra base fields, e.g. `{ product: 'jira' }`. */
  base?: Record<string, unknown>;
}

/**
 * A pino logger with the gateway's redaction rules.
 *
 * @example
 * ```ts
 * const logger = createLogger({ level: 'info' });
 * logger.info({ authorization: 'Basic …' }, 'never printed in clear'); // authorization: "[redacted]"
 * ```
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const threaded = isThreadedLogDestination(options.destination) ? options.destination : null;
  // For any other destination, access entries wait in a batch of this thread, and a line pino writes
  // takes the waiting ones with it first, so the log stays in order.
  let batch: LogBatch | null = null;
  const pinoOptions: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: 'api-token-auth', ...options.base },
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(threaded === null
      ? {
          hooks: {
            streamWrite: (line: string) => {
              const waiting = batch?.take() ?? null;
              return waiting === null ? line : formatLogEntries(waiting) + line;
            },
          },
        }
      : {}),
  };
  const logger =
    options.destination === undefined ? pino(pinoOptions) : pino(pinoOptions, options.destination);
  const internals = logger as unknown as Record<symbol, unknown>;
  const bindings = (internals[pino.symbols.chindingsSym] as string | undefined) ?? '';
  if (threaded !== null) {
    accessSinks.set(logger, {
      access: (fields) => threaded.access(bindings, fields),
      flush: () => threaded.flushSync(),
    });
  } else {
    const stream = internals[pino.symbols.streamSym] as { write(text: string): unknown };
    const own = createLogBatch({ deliver: (entries) => stream.write(formatLogEntries(entries)) });
    batch = own;
    accessSinks.set(logger, { access: (fields) => own.access(bindings, fields), flush: () => own.flush() });
  }
  return logger;
}

/**
 * Where a logger made by {@link createLogger} puts its access entries: the threaded destination's
 * batch, or a batch of this thread (see `log-entries.ts`).
 */
interface AccessSink {
  access(fields: AccessFields): void;
  flush(): void;
}

const accessSinks = new WeakMap<Logger, AccessSink>();

/**
 * Writes the access lines still waiting for `logger` (call before a synchronous flush on exit).
 *
 * @example
 * ```ts
 * flushAccessLines(logger);
 * destination.flushSync();
 * ```
 */
export function flushAccessLines(logger: Logger): void {
  accessSinks.get(logger)?.flush();
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
 * recorded as raw fields and formatted later, in a batch (see `log-entries.ts`). Any other logger gets
 * `logAccess`.
 *
 * @example
 * ```ts
 * const access = createAccessLog(logger);
 * access({ method: 'GET', path: '/rest/api/2/myself', status: 200, outcome: 'forward-as-user', ms: 3.2, clientIp: '10.0.0.1', user: 'alice' });
 * ```
 */
export function createAccessLog(logger: Logger): (entry: AccessLogEntry) => void {
  const sink = accessSinks.get(logger);
  if (sink === undefined) {
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
    if (enabled) sink.access(entry);
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
