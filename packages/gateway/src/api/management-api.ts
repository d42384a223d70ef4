/**
 * The management REST API (DESIGN §2 table) at `<ctx>/rest/api-token-auth/1.0`, on fastify. The
 * gateway's own server hands requests to it through `app.routing`, so proxied traffic never passes
 * through fastify. Every answer that is not a success uses Atlassian's error shape; fastify's own
 * errors (bad JSON, too large, wrong content type, bad URL) are mapped to it, never a stack trace.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  allTokensDeleted,
  diffSettings,
  expiresAt as expiryFor,
  failedLoginsReset,
  generateToken,
  mayAdminister,
  mayCreateToken,
  mayDeleteToken,
  parseSettings,
  resolveValidity,
  settingsChanged,
  tokenCreated,
  tokenDeleted,
  validityChoices,
  type AuditActor,
  type Settings,
} from '@api-token-auth/token-policy';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { isProductError, type Product } from '@api-token-auth/product-port';
import type { AuthenticationPipeline } from '../auth/authentication-pipeline.js';
import type { LastUseRecorder } from '../auth/last-use-recorder.js';
import type { SettingsCache } from '../auth/settings-cache.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import type { UserDirectory } from '../auth/user-directory.js';
import { requestContext } from '../server/request-context.js';
import { StoreError } from '../store/store-error.js';
import type { Store, TokenRow } from '../store/store.js';
import { ApiError } from './api-error.js';
import { createCallerIdentity, productUnavailable, type Caller } from './caller-identity.js';
import type { HealthChecker } from './health.js';
import { createKeyedLock } from './keyed-lock.js';
import { adminTokenView, failedLoginView, tokenView, type AuditRecordView } from './views.js';

/** The path of the API below the context path. */
export const MANAGEMENT_API_PATH = '/rest/api-token-auth/1.0';

/** Largest accepted request body. Settings with a 10,000-entry allow-list fit. */
export const MANAGEMENT_API_BODY_LIMIT = 1024 * 1024;

/** What the API needs from the rest of the gateway. */
export interface ManagementApiOptions {
  contextPath: string;
  store: Store;
  product: Product;
  pipeline: AuthenticationPipeline;
  users: UserDirectory;
  settings: SettingsCache;
  verifier: TokenVerifier;
  lastUse: LastUseRecorder;
  /** bcrypt hashing of new token secrets (the worker pool). */
  hashSecret: (secret: string) => Promise<string>;
  health: HealthChecker;
  /** Wake the audit outbox after an audited change. */
  notifyAudit: () => void;
  clock: () => Date;
  randomBytes: (size: number) => Uint8Array;
  logger: Logger;
}

/** The API, ready to take requests from the gateway's server. */
export interface ManagementApi {
  handle(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);
const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;
type Method = (typeof ALL_METHODS)[number];

const createTokenBody = z.object({
  name: z
    .string({ error: 'Enter a name for the token' })
    .trim()
    .min(1, 'Enter a name for the token')
    .max(255, 'The name must be at most 255 characters long'),
  validity: z.string({ error: 'Choose one of 6m, 1y, 2y or never' }).nullish(),
});

const tokenIdParams = z.object({ id: z.string().min(1).max(200) });
const usernameParams = z.object({
  username: z
    .string()
    .trim()
    .min(1, 'Enter a username')
    .max(255, 'The username must be at most 255 characters long'),
});
const failedLoginKeyParams = z.object({
  key: z
    .string()
    .max(300)
    .regex(/^(user|ip):.+$/, 'A counter key is user:<username> or ip:<address>, URL-encoded'),
});
const adminTokensQuery = z.object({ user: z.string().trim().min(1, 'Enter a username').max(255).optional() });

function wholeNumber(field: string, min: number, max: number, fallback: number) {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return fallback;
      if (!/^\d{1,9}$/.test(text) || Number(text) < min || Number(text) > max) {
        ctx.addIssue({ code: 'custom', message: `${field} must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return Number(text);
    });
}

const auditQuery = z.object({
  limit: wholeNumber('limit', 1, 1000, 50),
  offset: wholeNumber('offset', 0, 1_000_000_000, 0),
});

/** Parses with zod, or throws a 400 naming each bad field. */
function validate<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.length === 0 ? what : issue.path.map(String).join('.');
    errors[key] ??=
      issue.code === 'invalid_type' && issue.path.length === 0
        ? `The ${what} must be a JSON object`
        : issue.message;
  }
  throw new ApiError(400, `The ${what} is invalid; see the field errors`, errors, {
    code: 'VALIDATION_FAILED',
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hostOf(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.host.toLowerCase();
  } catch {
    return null;
  }
}

function withoutDefaultPort(host: string): string {
  return host.replace(/:(80|443)$/, '');
}

/**
 * Builds the API. Resolve it before the server starts listening.
 *
 * @example
 * ```ts
 * const api = await createManagementApi({ contextPath: '', store, product, pipeline, ... });
 * server.on('request', (req, res) => isApiPath(req.url) ? api.handle(req, res) : proxy(req, res));
 * ```
 */
export async function createManagementApi(options: ManagementApiOptions): Promise<ManagementApi> {
  const { store, product, settings, verifier, lastUse, clock, logger } = options;
  const prefix = `${options.contextPath}${MANAGEMENT_API_PATH}`;
  const callers = createCallerIdentity({ pipeline: options.pipeline, users: options.users, product, clock });
  const creations = createKeyedLock();
  const settingsUpdates = createKeyedLock();

  const app: FastifyInstance = Fastify({
    logger: false,
    bodyLimit: MANAGEMENT_API_BODY_LIMIT,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    frameworkErrors(error, _request, reply) {
      const body = new ApiError(
        400,
        'The request URL is not valid (check its percent-encoding)',
        {},
        { code: error.code },
      ).body();
      void (reply as FastifyReply).code(400).header('cache-control', 'no-store').send(body);
    },
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(
        null,
        JSON.parse(text, (key, value: unknown) => {
          if (key === '__proto__') throw new SyntaxError('forbidden key');
          return value;
        }),
      );
    } catch {
      done(new ApiError(400, 'The request body is not valid JSON', {}, { code: 'INVALID_JSON' }), undefined);
    }
  });

  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
  });

  app.setNotFoundHandler((request, reply) => {
    requestContext(request.raw).outcome = 'NOT_FOUND';
    const path = request.url.split('?')[0] ?? '';
    void reply
      .code(404)
      .send(
        new ApiError(
          404,
          `No management API resource at ${request.method} ${path}`,
          {},
          { code: 'NOT_FOUND' },
        ).body(),
      );
  });

  app.setErrorHandler((error: unknown, request, reply) => {
    const context = requestContext(request.raw);
    let apiError: ApiError;
    if (error instanceof ApiError) {
      apiError = error;
    } else if (isProductError(error)) {
      logger.warn({ err: error }, 'product call failed during a management request');
      apiError = productUnavailable(error, product.displayName);
    } else if (error instanceof StoreError) {
      logger.error({ err: error }, 'storage failed during a management request');
      apiError = new ApiError(
        503,
        'The gateway cannot reach its database right now; try again shortly',
        {},
        { code: error.code },
      );
    } else {
      apiError = fastifyError(error) ?? internalError(error);
    }
    context.outcome = apiError.code;
    void reply.code(apiError.status).headers(apiError.headers).send(apiError.body());
  });

  function internalError(error: unknown): ApiError {
    logger.error({ err: error }, 'unexpected error in the management API');
    return new ApiError(
      500,
      'Internal error; the gateway log has the details',
      {},
      { code: 'INTERNAL_ERROR' },
    );
  }

  /** Fastify's own client errors (body parsing etc.), translated. */
  function fastifyError(error: unknown): ApiError | null {
    if (!isPlainObject(error)) return null;
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status < 400 || status >= 500) return null;
    const code = typeof error.code === 'string' ? error.code : `HTTP_${status}`;
    const messages: Record<string, string> = {
      FST_ERR_CTP_BODY_TOO_LARGE: `The request body is too large (at most ${MANAGEMENT_API_BODY_LIMIT / 1024} KB)`,
      FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Send the request body as JSON with Content-Type: application/json',
      FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length header does not match the body',
      FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty; send a JSON object',
      FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON',
    };
    return new ApiError(status, messages[code] ?? 'The request could not be processed', {}, { code });
  }

  // --- caller identity --------------------------------------------------------------------------

  async function callerOf(request: FastifyRequest): Promise<Caller> {
    const context = requestContext(request.raw);
    const changing = STATE_CHANGING.has(request.method);
    const origin = request.headers.origin;
    // A foreign Origin on a change is a cross-site request whatever the credentials: a browser may
    // attach cached Basic credentials as readily as a cookie (issue 7).
    if (changing && origin !== undefined) {
      const originHost = hostOf(origin);
      if (
        originHost === null ||
        context.host === null ||
        withoutDefaultPort(originHost) !== withoutDefaultPort(context.host)
      ) {
        throw new ApiError(
          403,
          'Cross-origin changes are not allowed; use the product from its own address',
          {},
          { code: 'FOREIGN_ORIGIN' },
        );
      }
    }
    const caller = await callers.identify(request.raw, context.clientIp);
    context.user = caller.username;
    if (changing && caller.via === 'cookie') {
      const xsrf = request.headers['x-atlassian-token'];
      if (typeof xsrf !== 'string' || xsrf.trim().toLowerCase() !== 'no-check') {
        throw new ApiError(
          403,
          'XSRF check failed: send the header X-Atlassian-Token: no-check with changes made in a browser session',
          {},
          { code: 'XSRF_CHECK_FAILED' },
        );
      }
    }
    return caller;
  }

  async function adminOf(request: FastifyRequest): Promise<Caller> {
    const caller = await callerOf(request);
    if (!mayAdminister({ username: caller.username, isAdmin: caller.isAdmin }).allowed) {
      throw new ApiError(403, 'Only system administrators may do this', {}, { code: 'NOT_ADMIN' });
    }
    return caller;
  }

  function actorOf(caller: Caller): AuditActor {
    return caller.key === undefined
      ? { username: caller.username }
      : { username: caller.username, key: caller.key };
  }

  function clientAddressOf(request: FastifyRequest): string {
    return requestContext(request.raw).clientIp;
  }

  // --- operations -------------------------------------------------------------------------------

  async function createToken(request: FastifyRequest, reply: FastifyReply, caller: Caller, subject: string) {
    const body = validate(createTokenBody, request.body, 'request body');
    const current = settings.current().settings;
    const gate = mayCreateToken({
      actor: { username: caller.username, isAdmin: caller.isAdmin },
      subjectUsername: subject,
      settings: current,
    });
    if (!gate.allowed) {
      throw gate.code === 'ADMIN_ONLY'
        ? new ApiError(
            403,
            'Only system administrators may create API tokens (a system-wide setting)',
            {},
            { code: 'ADMIN_ONLY' },
          )
        : new ApiError(
            403,
            'Only system administrators may create tokens for other users',
            {},
            { code: 'NOT_ADMIN' },
          );
    }
    const validity = resolveValidity(body.validity ?? undefined, current.maxValidity);
    if (!validity.ok) {
      const allowed = validity.allowed.join(', ');
      const message =
        validity.code === 'VALIDITY_ABOVE_CEILING'
          ? `VALIDITY_ABOVE_CEILING: the system-wide maximum is ${current.maxValidity}; choose one of ${allowed}`
          : `UNKNOWN_VALIDITY: choose one of ${allowed}`;
      throw new ApiError(
        400,
        'The requested validity is not allowed',
        { validity: message },
        { code: validity.code },
      );
    }
    return creations.run(subject.toLowerCase(), async () => {
      const existing = await store.tokens.listByOwner(subject);
      if (existing.some((row) => row.name.toLowerCase() === body.name.toLowerCase())) {
        throw new ApiError(
          400,
          'A token with this name already exists',
          { name: `There is already a token named "${body.name}"; choose another name` },
          { code: 'DUPLICATE_NAME' },
        );
      }
      const generated = generateToken(options.randomBytes);
      const secretHash = await options.hashSecret(generated.secret);
      const createdAt = clock();
      const row = {
        id: generated.id,
        owner: subject,
        name: body.name,
        secretHash,
        createdAt,
        expiresAt: expiryFor(createdAt, validity.validity),
        createdBy: caller.username,
      };
      const event = tokenCreated({
        id: randomUUID(),
        at: createdAt,
        actor: actorOf(caller),
        subject,
        clientAddress: clientAddressOf(request),
        token: { id: row.id, name: row.name, expiresAt: row.expiresAt },
      });
      await store.tokens.create(row, event);
      verifier.invalidateToken(row.id);
      options.notifyAudit();
      void reply.code(201);
      return {
        id: row.id,
        name: row.name,
        token: generated.token,
        createdAt: createdAt.toISOString(),
        expiresAt: row.expiresAt === null ? null : row.expiresAt.toISOString(),
      };
    });
  }

  async function deleteToken(request: FastifyRequest, caller: Caller, id: string, reply: FastifyReply) {
    const missing = new ApiError(
      404,
      'No API token with this id exists (it may have been deleted already)',
      {},
      { code: 'TOKEN_NOT_FOUND' },
    );
    const row = await store.tokens.findById(id);
    if (row === null) throw missing;
    if (
      !mayDeleteToken({
        actor: { username: caller.username, isAdmin: caller.isAdmin },
        tokenOwner: row.owner,
      }).allowed
    ) {
      // Not the owner: answer as if it did not exist, so token ids cannot be probed.
      throw missing;
    }
    const deleted = await store.tokens.delete(id, (stored: TokenRow) =>
      tokenDeleted({
        id: randomUUID(),
        at: clock(),
        actor: actorOf(caller),
        subject: stored.owner,
        clientAddress: clientAddressOf(request),
        token: { id: stored.id, name: stored.name, expiresAt: stored.expiresAt },
      }),
    );
    verifier.invalidateToken(id);
    lastUse.forget(id);
    if (deleted === null) throw missing;
    options.notifyAudit();
    return reply.code(204).send();
  }

  async function subjectUser(username: string): Promise<string> {
    const found = await options.users.lookUp(username);
    if (found === null) {
      throw new ApiError(
        404,
        `${product.displayName} has no user named "${username}"`,
        {},
        { code: 'USER_NOT_FOUND' },
      );
    }
    return found.user.username;
  }

  function listView(rows: TokenRow[]) {
    const ceiling = settings.current().settings.maxValidity;
    return rows.map((row) => tokenView(row, ceiling, lastUse.pending(row.id)));
  }

  // --- routes -----------------------------------------------------------------------------------

  type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  const routes: Array<{
    method: Exclude<Method, 'HEAD' | 'OPTIONS' | 'PATCH'>;
    url: string;
    handler: Handler;
  }> = [
    {
      method: 'GET',
      url: '/health',
      handler: async (request) => {
        requestContext(request.raw).outcome = 'health';
        return options.health.check();
      },
    },
    {
      method: 'GET',
      url: '/tokens',
      handler: async (request) => {
        const caller = await callerOf(request);
        return listView(await store.tokens.listByOwner(caller.username));
      },
    },
    {
      method: 'POST',
      url: '/tokens',
      handler: async (request, reply) => {
        const caller = await callerOf(request);
        return createToken(request, reply, caller, caller.username);
      },
    },
    {
      method: 'DELETE',
      url: '/tokens/:id',
      handler: async (request, reply) => {
        const caller = await callerOf(request);
        const { id } = validate(tokenIdParams, request.params, 'path');
        return deleteToken(request, caller, id, reply);
      },
    },
    {
      method: 'GET',
      url: '/validity-options',
      handler: async (request) => {
        await callerOf(request);
        const ceiling = settings.current().settings.maxValidity;
        return { ceiling, choices: validityChoices(ceiling) };
      },
    },
    {
      method: 'GET',
      url: '/admin/settings',
      handler: async (request) => {
        await adminOf(request);
        return (await settings.refresh()).settings;
      },
    },
    {
      method: 'PUT',
      url: '/admin/settings',
      handler: async (request) => {
        const caller = await adminOf(request);
        const body = request.body;
        if (!isPlainObject(body)) {
          throw new ApiError(
            400,
            'Send the settings as a JSON object',
            { settings: 'must be a JSON object' },
            { code: 'VALIDATION_FAILED' },
          );
        }
        return settingsUpdates.run('settings', async () => {
          const before = await store.settings.get();
          // Omitted fields keep their current values, so a script can change one setting safely.
          const merged = {
            ...before,
            ...body,
            failedLogins: isPlainObject(body.failedLogins)
              ? { ...before.failedLogins, ...body.failedLogins }
              : (body.failedLogins ?? before.failedLogins),
          };
          const parsed = parseSettings(merged);
          if (!parsed.ok) {
            throw new ApiError(400, 'Some settings are invalid; see the field errors', parsed.errors, {
              code: 'INVALID_SETTINGS',
            });
          }
          const next: Settings = parsed.settings;
          const changes = diffSettings(before, next);
          if (changes.length > 0) {
            const at = clock();
            const events = changes.map((change) =>
              settingsChanged({
                id: randomUUID(),
                at,
                actor: actorOf(caller),
                clientAddress: clientAddressOf(request),
                change,
              }),
            );
            await store.settings.update(next, events);
            options.notifyAudit();
          }
          return (await settings.refresh()).settings;
        });
      },
    },
    {
      method: 'GET',
      url: '/admin/tokens',
      handler: async (request) => {
        await adminOf(request);
        const { user } = validate(adminTokensQuery, request.query, 'query');
        const rows = user === undefined ? await store.tokens.listAll() : await store.tokens.listByOwner(user);
        const ceiling = settings.current().settings.maxValidity;
        return rows.map((row) => adminTokenView(row, ceiling, lastUse.pending(row.id)));
      },
    },
    {
      method: 'POST',
      url: '/admin/users/:username/tokens',
      handler: async (request, reply) => {
        const caller = await adminOf(request);
        const { username } = validate(usernameParams, request.params, 'path');
        return createToken(request, reply, caller, await subjectUser(username));
      },
    },
    {
      method: 'DELETE',
      url: '/admin/users/:username/tokens',
      handler: async (request) => {
        const caller = await adminOf(request);
        const { username } = validate(usernameParams, request.params, 'path');
        const deleted = await store.tokens.deleteAllForOwner(username, (rows) =>
          allTokensDeleted({
            id: randomUUID(),
            at: clock(),
            actor: actorOf(caller),
            subject: rows[0]?.owner ?? username,
            clientAddress: clientAddressOf(request),
            tokenIds: rows.map((row) => row.id),
          }),
        );
        verifier.invalidateOwner(username);
        for (const row of deleted) {
          verifier.invalidateToken(row.id);
          lastUse.forget(row.id);
        }
        options.notifyAudit();
        return { deleted: deleted.length };
      },
    },
    {
      method: 'DELETE',
      url: '/admin/tokens/:id',
      handler: async (request, reply) => {
        const caller = await adminOf(request);
        const { id } = validate(tokenIdParams, request.params, 'path');
        return deleteToken(request, caller, id, reply);
      },
    },
    {
      method: 'GET',
      url: '/admin/failed-logins',
      handler: async (request) => {
        await adminOf(request);
        const now = clock();
        return (await store.failedLogins.list()).map((entry) => failedLoginView(entry, now));
      },
    },
    {
      method: 'DELETE',
      url: '/admin/failed-logins/:key',
      handler: async (request, reply) => {
        const caller = await adminOf(request);
        const { key } = validate(failedLoginKeyParams, request.params, 'path');
        const event = failedLoginsReset({
          id: randomUUID(),
          at: clock(),
          actor: actorOf(caller),
          clientAddress: clientAddressOf(request),
          key,
        });
        const reset = await store.failedLogins.reset(key, event);
        if (!reset) {
          throw new ApiError(
            404,
            `No failed logins are counted for ${key}`,
            {},
            { code: 'COUNTER_NOT_FOUND' },
          );
        }
        options.notifyAudit();
        return reply.code(204).send();
      },
    },
    {
      method: 'GET',
      url: '/admin/audit',
      handler: async (request) => {
        await adminOf(request);
        const { limit, offset } = validate(auditQuery, request.query, 'query');
        const page = await store.audit.list({ limit, offset });
        const records: AuditRecordView[] = page.records.map((record) => ({
          ...record.event,
          seq: record.seq,
        }));
        return { total: page.total, limit, offset, records };
      },
    },
  ];

  const methodsByUrl = new Map<string, Set<Method>>();
  for (const route of routes) {
    const url = `${prefix}${route.url}`;
    app.route({
      method: route.method,
      url,
      handler: async (request, reply) => {
        const context = requestContext(request.raw);
        const result = await route.handler(request, reply);
        if (context.outcome === 'pending') context.outcome = 'api';
        return result;
      },
    });
    const methods = methodsByUrl.get(url) ?? new Set<Method>();
    methods.add(route.method);
    if (route.method === 'GET') methods.add('HEAD');
    methodsByUrl.set(url, methods);
  }
  for (const [url, methods] of methodsByUrl) {
    const allow = [...methods].join(', ');
    const others = ALL_METHODS.filter((method) => !methods.has(method));
    app.route({
      method: others,
      url,
      handler: async (request, reply) => {
        requestContext(request.raw).outcome = 'METHOD_NOT_ALLOWED';
        return reply
          .code(405)
          .header('allow', allow)
          .send(new ApiError(405, `${request.method} is not supported here; use ${allow}`).body());
      },
    });
  }

  await app.ready();

  return {
    handle(req, res) {
      app.routing(req, res);
    },
    async close() {
      await app.close();
    },
  };
}
