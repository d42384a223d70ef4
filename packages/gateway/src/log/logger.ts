/**
 * Structured logging (pino). Credentials never reach a log line: known secret-bearing fields are
 * redacted wherever they appear, and access lines are built from an explicit allow-list of fields
 * (no headers, no query string — a query may carry a token or password).
 */
import pino from 'pino';
import type { Logger } from 'pino';
import { createAccessLineFormatter, type AccessFields } from './access-line.js';

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

/** Access lines wait until they make this many characters (about 64 lines) … */
const ACCESS_BATCH_CHARS = 16_384;
/** … or at most this long. */
const ACCESS_BATCH_MS = 100;

/**
 * Access lines of one logger, formatted as they come and handed to its destination in batches: one
 * `write` per batch instead of one per request (issue 6). Small batches, because a write happens
 * between two requests.
 */
interface AccessLineBatch {
  /** `bindings`: the logger's `,"service":…` text. */
  access(bindings: string, fields: AccessFields): void;
  /** `line` with the waiting access lines before it (they leave the batch). */
  before(line: string): string;
  flush(): void;
}

function createAccessLineBatch(write: (text: string) => unknown): AccessLineBatch {
  const accessLine = createAccessLineFormatter();
  let waiting = '';
  let timer: NodeJS.Timeout | undefined;

  function take(): string {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    const text = waiting;
    waiting = '';
    return text;
  }

  function flush(): void {
    const text = take();
    if (text !== '') write(text);
  }

  return {
    access(bindings, fields) {
      waiting += accessLine(bindings, Date.now(), fields);
      if (waiting.length >= ACCESS_BATCH_CHARS) flush();
      else if (timer === undefined) {
        timer = setTimeout(flush, ACCESS_BATCH_MS);
        // Waiting lines never keep a process alive; the exit path flushes them.
        timer.unref();
      }
    },
    before(line) {
      return waiting === '' ? line : take() + line;
    },
    flush,
  };
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
  const batch = createAccessLineBatch((text) => streamOf(logger).write(text));
  const pinoOptions: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: 'api-token-auth', ...options.base },
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Any other line takes the waiting access lines with it, so the log stays in order.
    hooks: { streamWrite: (line: string) => batch.before(line) },
  };
  const logger =
    options.destination === undefined ? pino(pinoOptions) : pino(pinoOptions, options.destination);
  const bindings = (internalsOf(logger)[pino.symbols.chindingsSym] as string | undefined) ?? '';
  accessBatches.set(logger, { batch, bindings });
  return logger;
}

function internalsOf(logger: Logger): Record<symbol, unknown> {
  return logger as unknown as Record<symbol, unknown>;
}

/** Where pino writes `logger`'s lines. */
function streamOf(logger: Logger): { write(text: string): unknown } {
  return internalsOf(logger)[pino.symbols.streamSym] as { write(text: string): unknown };
}

/** The access-line batch of each logger made by {@link createLogger}, with the logger's bindings text. */
const accessBatches = new WeakMap<Logger, { batch: AccessLineBatch; bindings: string }>();

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
  accessBatches.get(logger)?.batch.flush();
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
  const own = accessBatches.get(logger);
  if (own === undefined) {
    // Access lines are built from an explicit list of fields that never holds a credential, so the
    // key-based redaction (a third of a line's cost, issue 6 profile) has nothing to do there.
    const unredacted = logger.child({}, { redact: [] });
    return (entry) => logAccess(unredacted, entry);
  }
  const { batch, bindings } = own;
  const INFO = 30;
  // pino's level is a getter; it is read again only when it changes.
  let enabled = logger.levelVal <= INFO;
  logger.on('level-change', () => {
    enabled = logger.levelVal <= INFO;
  });
  return (entry) => {
    if (enabled) batch.access(bindings, entry);
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
