/**
 * Gateway configuration from environment variables (DESIGN §2 "Adapter configuration"). Every
 * variable is checked on its own so that an operator sees one line per problem, all at once.
 */
import { parseIpAllowList } from '@api-token-auth/token-policy';
import { z } from 'zod';
import { safeParseDatabaseUrl } from '../store/database-url.js';

/**
 * Values of `ATA_ACCESS_LOG`: which requests get an access line. `gateway` (the default): those the
 * gateway answered itself — every refusal and error, its REST API and pages — and relays that failed
 * or whose password the product refused; a request relayed to the product is in the product's own
 * access log. `all`: every request. `off`: none (the counts stay in the metrics).
 */
export const ACCESS_LOG_MODES = ['gateway', 'all', 'off'] as const;
export type AccessLogMode = (typeof ACCESS_LOG_MODES)[number];

/** pino levels accepted by `ATA_LOG_LEVEL`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The validated configuration of one gateway instance. */
export interface GatewayConfig {
  /** Upstream base URL without a trailing slash: origin + context path, e.g. `http://wiki:8090/confluence`. */
  upstreamUrl: string;
  /** `http://wiki:8090`. */
  upstreamOrigin: string;
  /** The product's context path: `''` or `/confluence` (never a trailing slash). Mirrored by the gateway. */
  contextPath: string;
  host: string;
  port: number;
  /** Storage location, e.g. `sqlite:./.data/jira.db`. */
  database: string;
  serviceUser: string;
  servicePassword: string;
  /** Header carrying the authenticated username upstream, as configured (case kept for display). */
  identityHeader: string;
  /** Shared secret sent upstream as `X-Api-Token-Auth-Secret`; `null` = not sent. */
  identitySecret: string | null;
  /** IPs/CIDRs whose `X-Forwarded-For` is believed. */
  trustedProxies: string[];
  /** Members of these groups are system administrators. Empty = use the product's default. */
  adminGroups: string[];
  bcryptCost: number;
  /** Prometheus metrics port; `null` = no metrics endpoint. */
  metricsPort: number | null;
  logLevel: LogLevel;
  /** Which requests get an access line (`ATA_ACCESS_LOG`, default `gateway`). */
  accessLog: AccessLogMode;
  /**
   * How long the reverse proxy waits for the product's response head, and between two body chunks,
   * before answering 504 (or cutting a response already under way). Default 60 000 ms.
   */
  upstreamTimeoutMs: number;
}

/** Result of {@link parseGatewayConfig}: a config, or one human-readable line per problem. */
export type ParseGatewayConfigResult =
  { ok: true; config: GatewayConfig } | { ok: false; problems: string[] };

/** Options of {@link parseGatewayConfig}. */
export interface ParseGatewayConfigOptions {
  /** Used in the default database file name, e.g. `jira` → `sqlite:./.data/jira.db`. */
  productKey: string;
  /** Default for `ATA_ADMIN_GROUPS`; when omitted and the variable is unset, `adminGroups` is empty. */
  defaultAdminGroups?: readonly string[];
}

/** HTTP header field-name token (RFC 9110 §5.6.2). */
const HEADER_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Headers that must never carry the identity: the gateway or HTTP itself owns them. */
const RESERVED_HEADERS = new Set([
  'authorization',
  'cookie',
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-api-token-auth-secret',
]);

const SIMPLE_HOST = /^[A-Za-z0-9.\-:]+$/;

/** Default of `ATA_UPSTREAM_TIMEOUT_MS`: generous, because Jira and Confluence reports can be slow. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 60_000;
const MIN_UPSTREAM_TIMEOUT_MS = 100;
const MAX_UPSTREAM_TIMEOUT_MS = 3_600_000;

function portSchema(name: string, required: boolean) {
  return z
    .string()
    .optional()
    .transform((text, ctx): number | null => {
      if (text === undefined) return required ? 8080 : null;
      if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
        ctx.addIssue({
          code: 'custom',
          message: `${name} must be a whole number from 0 to 65535 (got ${JSON.stringify(text)})`,
        });
        return z.NEVER;
      }
      return Number(text);
    });
}

function listOf(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function upstreamSchema() {
  return z
    .string({
      error:
        'ATA_UPSTREAM_URL is required: the product base URL including its context path, e.g. http://jira:8080',
    })
    .transform((text, ctx) => {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: `ATA_UPSTREAM_URL must be an absolute http(s) URL such as http://jira:8080 (got ${JSON.stringify(text)})`,
        });
        return z.NEVER;
      }
      const problem =
        url.protocol !== 'http:' && url.protocol !== 'https:'
          ? `must use http or https (got ${url.protocol.replace(/:$/, '')})`
          : url.username !== '' || url.password !== ''
            ? 'must not contain credentials; use ATA_SERVICE_USER and ATA_SERVICE_PASSWORD'
            : url.search !== '' || url.hash !== ''
              ? 'must not contain a query or fragment'
              : null;
      if (problem !== null) {
        ctx.addIssue({ code: 'custom', message: `ATA_UPSTREAM_URL ${problem}` });
        return z.NEVER;
      }
      const contextPath = url.pathname.replace(/\/+$/, '');
      return { upstreamUrl: url.origin + contextPath, upstreamOrigin: url.origin, contextPath };
    });
}

function requiredText(name: string, meaning: string) {
  return z
    .string({ error: `${name} is required: ${meaning}` })
    .min(1, `${name} must not be empty: ${meaning}`);
}

/** A variable taking one of `values`, in any case; `fallback` when unset. */
function oneOf<T extends string>(name: string, values: readonly T[], fallback: T) {
  return z
    .string()
    .optional()
    .transform((text, ctx): T => {
      if (text === undefined) return fallback;
      const value = text.toLowerCase();
      if (!(values as readonly string[]).includes(value)) {
        ctx.addIssue({
          code: 'custom',
          message: `${name} must be one of ${values.join(', ')} (got ${JSON.stringify(text)})`,
        });
        return z.NEVER;
      }
      return value as T;
    });
}

function buildSchema(options: ParseGatewayConfigOptions) {
  return z.object({
    ATA_UPSTREAM_URL: upstreamSchema(),
    ATA_HOST: z
      .string()
      .optional()
      .transform((text, ctx) => {
        if (text === undefined) return '127.0.0.1';
        if (!SIMPLE_HOST.test(text)) {
          ctx.addIssue({
            code: 'custom',
            message: `ATA_HOST must be an IP address or host name such as 127.0.0.1 or 0.0.0.0 (got ${JSON.stringify(text)})`,
          });
          return z.NEVER;
        }
        return text;
      }),
    ATA_PORT: portSchema('ATA_PORT', true),
    ATA_DATABASE: z
      .string()
      .optional()
      .transform((text, ctx) => {
        const value = text ?? `sqlite:./.data/${options.productKey}.db`;
        const location = safeParseDatabaseUrl(value);
        if (!location.success) {
          ctx.addIssue({ code: 'custom', message: `ATA_DATABASE: ${location.error.message}` });
          return z.NEVER;
        }
        return value;
      }),
    ATA_SERVICE_USER: requiredText(
      'ATA_SERVICE_USER',
      'the service account used for user look-ups and audit writes',
    ),
    ATA_SERVICE_PASSWORD: z
      .string({ error: 'ATA_SERVICE_PASSWORD is required: the password of ATA_SERVICE_USER' })
      .min(1, 'ATA_SERVICE_PASSWORD must not be empty'),
    ATA_IDENTITY_HEADER: z
      .string()
      .optional()
      .transform((text, ctx) => {
        const value = text ?? 'X-Forwarded-User';
        if (!HEADER_TOKEN.test(value)) {
          ctx.addIssue({
            code: 'custom',
            message: `ATA_IDENTITY_HEADER must be a valid HTTP header name such as X-Forwarded-User (got ${JSON.stringify(value)})`,
          });
          return z.NEVER;
        }
        if (RESERVED_HEADERS.has(value.toLowerCase())) {
          ctx.addIssue({
            code: 'custom',
            message: `ATA_IDENTITY_HEADER must not be ${value}: that header has another meaning; use e.g. X-Forwarded-User`,
          });
          return z.NEVER;
        }
        return value;
      }),
    // Never echo the secret or the service password back: they end up in terminals and log files.
    ATA_IDENTITY_SECRET: z
      .string()
      .optional()
      .transform((text, ctx) => {
        if (text === undefined) return null;
        if (text.length < 16) {
          ctx.addIssue({
            code: 'custom',
            message: `ATA_IDENTITY_SECRET must be at least 16 characters long (it has ${text.length})`,
          });
          return z.NEVER;
        }
        if (!/^[\x21-\x7e]+$/.test(text)) {
          ctx.addIssue({
            code: 'custom',
            message:
              'ATA_IDENTITY_SECRET must consist of visible ASCII characters only (it is sent as an HTTP header)',
          });
          return z.NEVER;
        }
        return text;
      }),
    ATA_TRUSTED_PROXIES: z
      .string()
      .optional()
      .transform((text, ctx) => {
        const entries = listOf(text);
        const parsed = parseIpAllowList(entries);
        if (!parsed.ok) {
          for (const error of parsed.errors) {
            ctx.addIssue({
              code: 'custom',
              message: `ATA_TRUSTED_PROXIES entry ${error.index + 1}: ${error.message}`,
            });
          }
          return z.NEVER;
        }
        return [...parsed.list.entries];
      }),
    ATA_ADMIN_GROUPS: z
      .string()
      .optional()
      .transform((text, ctx) => {
        if (text === undefined) return [...(options.defaultAdminGroups ?? [])];
        const groups = listOf(text);
        if (groups.length === 0) {
          ctx.addIssue({
            code: 'custom',
            message: 'ATA_ADMIN_GROUPS must name at least one group (comma-separated)',
          });
          return z.NEVER;
        }
        return groups;
      }),
    ATA_BCRYPT_COST: z
      .string()
      .optional()
      .transform((text, ctx) => {
        if (text === undefined) return 10;
        if (!/^\d{1,2}$/.test(text) || Number(text) < 4 || Number(text) > 15) {
          ctx.addIssue({
            code: 'custom',
            message: `ATA_BCRYPT_COST must be a whole number from 4 to 15 (got ${JSON.stringify(text)})`,
          });
          return z.NEVER;
        }
        return Number(text);
      }),
    ATA_METRICS_PORT: portSchema('ATA_METRICS_PORT', false),
    ATA_UPSTREAM_TIMEOUT_MS: z
      .string()
      .optional()
      .transform((text, ctx) => {
        if (text === undefined) return DEFAULT_UPSTREAM_TIMEOUT_MS;
        const value = /^\d{1,7}$/.test(text) ? Number(text) : Number.NaN;
        if (!(value >= MIN_UPSTREAM_TIMEOUT_MS && value <= MAX_UPSTREAM_TIMEOUT_MS)) {
          ctx.addIssue({
            code: 'custom',
            message: `ATA_UPSTREAM_TIMEOUT_MS must be a whole number of milliseconds from ${MIN_UPSTREAM_TIMEOUT_MS} to ${MAX_UPSTREAM_TIMEOUT_MS} (got ${JSON.stringify(text)})`,
          });
          return z.NEVER;
        }
        return value;
      }),
    ATA_LOG_LEVEL: oneOf('ATA_LOG_LEVEL', LOG_LEVELS, 'info'),
    ATA_ACCESS_LOG: oneOf('ATA_ACCESS_LOG', ACCESS_LOG_MODES, 'gateway'),
  });
}

const VARIABLES = [
  'ATA_UPSTREAM_URL',
  'ATA_HOST',
  'ATA_PORT',
  'ATA_DATABASE',
  'ATA_SERVICE_USER',
  'ATA_SERVICE_PASSWORD',
  'ATA_IDENTITY_HEADER',
  'ATA_IDENTITY_SECRET',
  'ATA_TRUSTED_PROXIES',
  'ATA_ADMIN_GROUPS',
  'ATA_BCRYPT_COST',
  'ATA_METRICS_PORT',
  'ATA_UPSTREAM_TIMEOUT_MS',
  'ATA_LOG_LEVEL',
  'ATA_ACCESS_LOG',
] as const;

const SECRET_VARIABLES: ReadonlySet<string> = new Set(['ATA_SERVICE_PASSWORD', 'ATA_IDENTITY_SECRET']);

/**
 * Parses the gateway's environment variables. Empty values count as unset (container tooling often
 * passes `VAR=`). Problems are reported one line each, naming the variable and what to do; the
 * service password and the identity secret are never echoed.
 *
 * @example
 * ```ts
 * const parsed = parseGatewayConfig(process.env, { productKey: 'jira', defaultAdminGroups: ['jira-administrators'] });
 * if (!parsed.ok) {
 *   for (const line of parsed.problems) console.error(line);
 *   process.exit(2);
 * }
 * parsed.config.contextPath; // '' for ATA_UPSTREAM_URL=http://jira:8080
 * ```
 */
export function parseGatewayConfig(
  env: Readonly<Record<string, string | undefined>>,
  options: ParseGatewayConfigOptions,
): ParseGatewayConfigResult {
  const input: Record<string, string | undefined> = {};
  for (const name of VARIABLES) {
    const value = env[name];
    if (value === undefined || value.trim() === '') input[name] = undefined;
    // Secrets are taken verbatim: a space may be part of a password.
    else input[name] = SECRET_VARIABLES.has(name) ? value : value.trim();
  }
  const parsed = buildSchema(options).safeParse(input);
  if (!parsed.success) {
    const problems: string[] = [];
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? '');
      // zod's generic messages (wrong type) would not name the variable; ours always do.
      problems.push(issue.message.startsWith('ATA_') ? issue.message : `${variable}: ${issue.message}`);
    }
    return { ok: false, problems: [...new Set(problems)] };
  }
  const env2 = parsed.data;
  return {
    ok: true,
    config: {
      ...env2.ATA_UPSTREAM_URL,
      host: env2.ATA_HOST,
      port: env2.ATA_PORT ?? 8080,
      database: env2.ATA_DATABASE,
      serviceUser: env2.ATA_SERVICE_USER,
      servicePassword: env2.ATA_SERVICE_PASSWORD,
      identityHeader: env2.ATA_IDENTITY_HEADER,
      identitySecret: env2.ATA_IDENTITY_SECRET,
      trustedProxies: env2.ATA_TRUSTED_PROXIES,
      adminGroups: env2.ATA_ADMIN_GROUPS,
      bcryptCost: env2.ATA_BCRYPT_COST,
      metricsPort: env2.ATA_METRICS_PORT,
      logLevel: env2.ATA_LOG_LEVEL,
      accessLog: env2.ATA_ACCESS_LOG,
      upstreamTimeoutMs: env2.ATA_UPSTREAM_TIMEOUT_MS,
    },
  };
}
