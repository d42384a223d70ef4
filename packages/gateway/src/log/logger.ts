/**
 * Structured logging (pino). Credentials never reach a log line: known secret-bearing fields are
 * redacted wherever they appear, and access lines are built from an explicit allow-list of fields
 * (no headers, no query string — a query may carry a token or password).
 */
import pino from 'pino';
import type { Logger } from 'pino';

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
  const batch = createAccessLineBatch();
  const pinoOptions: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: 'api-token-auth', ...options.base },
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Access lines batched by `createAccessLog` go out ahead of any other line: the log stays in order.
    hooks: { streamWrite: (line) => batch.take() + line },
  };
  const logger =
    options.destination === undefined ? pino(pinoOptions) : pino(pinoOptions, options.destination);
  const internals = logger as unknown as Record<symbol, unknown>;
  batch.attach(
    internals[pino.symbols.streamSym] as { write(text: string): unknown },
    (internals[pino.symbols.chindingsSym] as string | undefined) ?? '',
  );
  accessLineBatches.set(logger, batch);
  return logger;
}

/**
 * Access lines waiting to be written, per logger made by {@link createLogger}. A request's line is
 * appended to a string, and the batch goes to the destination in one `write` every 100 ms (or at
 * 16 KiB), instead of one pino call and one stream write per request — together the largest single
 * cost of a warm request in the issue 6 profile. Any other line the logger writes takes the batch
 * with it first, so the log stays in order; `flushAccessLines` empties it on exit.
 */
interface AccessLineBatch {
  attach(stream: { write(text: string): unknown }, bindings: string): void;
  /** `,"service":…` — the logger's base fields, as pino writes them after the time. */
  readonly bindings: string;
  append(line: string): void;
  /** Everything pending, now removed from the batch. */
  take(): string;
  flush(): void;
}

const MAX_PENDING_ACCESS_TEXT = 16 * 1024;
const ACCESS_FLUSH_MS = 100;
const accessLineBatches = new WeakMap<Logger, AccessLineBatch>();

function createAccessLineBatch(): AccessLineBatch {
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  let stream: { write(text: string): unknown } | undefined;
  let bindings = '';
  const flush = (): void => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (pending === '' || stream === undefined) return;
    const text = pending;
    pending = '';
    stream.write(text);
  };
  return {
    attach(to, base) {
      stream = to;
      bindings = base;
    },
    get bindings() {
      return bindings;
    },
    append(line) {
      pending += line;
      if (pending.length >= MAX_PENDING_ACCESS_TEXT) flush();
      else if (timer === undefined) {
        timer = setTimeout(flush, ACCESS_FLUSH_MS);
        // Pending lines never keep a process alive; the exit path flushes them.
        timer.unref();
      }
    },
    take() {
      const text = pending;
      pending = '';
      return text;
    },
    flush,
  };
}

/**
 * Writes the access lines still waiting in `logger`'s batch (call before a synchronous flush on exit).
 *
 * @example
 * ```ts
 * flushAccessLines(logger);
 * destination.flushSync();
 * ```
 */
export function flushAccessLines(logger: Logger): void {
  accessLineBatches.get(logger)?.flush();
}

/** One access-log line: what happened, never how the caller authenticated. */
export interface AccessLogEntry {
  method: string;
  /** Path without the query string. */
  path: string;
  status: number;
  /** Pipeline outcome or refusal code, e.g. `forward-as-user`, `TOKEN_INVALID`, `api`. */
  outcome: string;
  ms: number;
  clientIp: string | null;
  user: string | null;
}

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

/** `YYYY-MM-DDTHH:MM:SS.` of the second last asked for, and where that second starts (epoch ms). */
let isoSecondStart = Number.NaN;
let isoSecondText = '';

/**
 * `new Date(epochMs).toISOString()`, with the text up to the second reused while it lasts: the access
 * log asks for the time of every request, and a `Date` and its formatting per request showed in the
 * issue 6 profile.
 */
export function isoTimeOf(epochMs: number): string {
  let intoSecond = epochMs - isoSecondStart;
  if (!(intoSecond >= 0 && intoSecond < 1000)) {
    intoSecond = ((epochMs % 1000) + 1000) % 1000;
    isoSecondStart = epochMs - intoSecond;
    // Always ends in `.000Z` for a whole second, whatever the year's format.
    isoSecondText = new Date(isoSecondStart).toISOString().slice(0, -4);
  }
  return `${isoSecondText}${intoSecond < 10 ? '00' : intoSecond < 100 ? '0' : ''}${intoSecond}Z`;
}

/**
 * The access-log writer for `logger`: each call writes one line at `info`, exactly as `logAccess`
 * would (same fields, same order, same JSON), but for a logger made by {@link createLogger} the line is
 * built directly and batched (see `AccessLineBatch`). Any other logger gets `logAccess`.
 *
 * @example
 * ```ts
 * const access = createAccessLog(logger);
 * access({ method: 'GET', path: '/rest/api/2/myself', status: 200, outcome: 'forward-as-user', ms: 3.2, clientIp: '10.0.0.1', user: 'alice' });
 * ```
 */
export function createAccessLog(logger: Logger): (entry: AccessLogEntry) => void {
  const batch = accessLineBatches.get(logger);
  if (batch === undefined) {
    // Access lines are built from an explicit list of fields that never holds a credential, so the
    // key-based redaction (a third of a line's cost, issue 6 profile) has nothing to do there.
    const unredacted = logger.child({}, { redact: [] });
    return (entry) => logAccess(unredacted, entry);
  }
  const INFO = 30;
  const { bindings } = batch;
  return (entry) => {
    if (logger.levelVal > INFO) return;
    batch.append(
      `{"level":30,"time":"${isoTimeOf(Date.now())}"${bindings},"method":${jsonText(entry.method)},"path":${jsonText(entry.path)},"status":${entry.status},"outcome":${jsonText(entry.outcome)},"ms":${Math.round(entry.ms * 100) / 100},"clientIp":${entry.clientIp === null ? 'null' : jsonText(entry.clientIp)},"user":${entry.user === null ? 'null' : jsonText(entry.user)},"msg":"request"}\n`,
    );
  };
}

/** `text` as a JSON string: quoted as is when nothing in it needs escaping (the usual case), else by `JSON.stringify`. */
function jsonText(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) {
      return JSON.stringify(text);
    }
  }
  return `"${text}"`;
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
