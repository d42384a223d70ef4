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
  const pinoOptions: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: 'api-token-auth', ...options.base },
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination === undefined ? pino(pinoOptions) : pino(pinoOptions, options.destination);
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
  const end = url.search(/[?#]/);
  const path = end === -1 ? url : url.slice(0, end);
  return path.length > 512 ? `${path.slice(0, 512)}…` : path;
}

/**
 * Writes one access line at `info`.
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
