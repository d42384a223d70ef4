import { createServer, STATUS_CODES } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sandbox, SandboxOptions, SandboxRequestRecord, SandboxUser } from '../types.js';
import { BodyError, readForm } from '../http/body.js';
import { resolveRequestPath } from '../http/request-path.js';
import { escapeHtml, page, redirect, sendHtml, sendJson } from '../http/respond.js';
import { resolveCaller } from './authenticate.js';
import type { IdentityTrust } from './authenticate.js';
import type { ProductDefinition, Route, RouteContext, SandboxState } from './product.js';
import { SeraphLogins } from './seraph.js';
import { requestParameters } from './seraph-parameters.js';
import { startSession } from './session-routes.js';
import { SessionStore } from './sessions.js';
import { isMemberOfAny } from './users.js';

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param?.[1]) {
        names.push(param[1]);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), names };
}

/** Validates shared options once, before listening: misuse is a programming error, so it throws. */
function resolveTrust(options: SandboxOptions): IdentityTrust {
  const header = (options.identityHeader ?? 'X-Forwarded-User').toLowerCase();
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(header)) {
    throw new TypeError(`identityHeader "${options.identityHeader}" is not a valid header name`);
  }
  if (options.identitySecret === '') throw new TypeError('identitySecret must not be empty when set');
  return { header, secret: options.identitySecret };
}

/**
 * A username as an `X-AUSERNAME` value: unchanged in printable ASCII, otherwise percent-encoded (UTF-8),
 * since a header value is bytes and Node refuses characters above U+00FF (`josé` is `jos%C3%A9`).
 */
function headerSafeUsername(username: string): string {
  return /^[\x20-\x7e]*$/.test(username) ? username : encodeURIComponent(username);
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`${name} must be a positive integer`);
  return value;
}

/**
 * Starts one sandbox product: a real HTTP server whose authentication behaves like Seraph plus a
 * header-SSO authenticator, serving the product's route table.
 */
export async function startSandboxServer(
  product: ProductDefinition,
  users: Map<string, SandboxUser>,
  options: SandboxOptions,
): Promise<Sandbox> {
  const trust = resolveTrust(options);
  const captchaThreshold = positiveInteger(options.captchaThreshold, 3, 'captchaThreshold');
  const host = options.host ?? '127.0.0.1';
  const routes = product.routes.map(compile);
  const requestLog: SandboxRequestRecord[] = [];
  const state: SandboxState = {
    users,
    logins: new SeraphLogins(users, captchaThreshold),
    sessions: new SessionStore(),
    auditRecords: [],
    storedAudit: [],
    auditFailure: null,
    now: () => new Date(),
  };

  let baseUrl = '';
  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      // A bug in a route must not take the sandbox down; the detail is not the client's business.
      if (!res.headersSent) sendJson(res, 500, product.errorBody(500, 'Internal sandbox error.', {}));
      else res.destroy();
    });
  });
  // Longer than the gateway's upstream keep-alive, so the client side always closes idle sockets first.
  server.keepAliveTimeout = 30_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const record: SandboxRequestRecord = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: { ...req.headers },
      ranAs: null,
    };
    requestLog.push(record);
    res.setHeader('X-AUSERNAME', 'anonymous');

    const resolved = resolveRequestPath(record.path, product.contextPath);
    if (resolved.kind === 'outside') {
      sendHtml(res, 404, page('Not Found', '<h1>HTTP Status 404 – Not Found</h1>'));
      return;
    }
    if (resolved.kind === 'redirect') {
      redirect(res, 302, resolved.location);
      return;
    }
    if (resolved.kind === 'bad') {
      sendHtml(
        res,
        400,
        page('Bad Request', `<h1>HTTP Status 400 – Bad Request</h1><p>${escapeHtml(resolved.reason)}</p>`),
      );
      return;
    }

    const method = record.method === 'HEAD' ? 'GET' : record.method;
    let matched: { route: Route; params: Record<string, string> } | undefined;
    const allowed = new Set<string>();
    for (const candidate of routes) {
      const match = candidate.pattern.exec(resolved.path);
      if (!match) continue;
      allowed.add(candidate.route.method);
      if (candidate.route.method !== method || matched) continue;
      const params: Record<string, string> = {};
      candidate.names.forEach((name, index) => (params[name] = match[index + 1] ?? ''));
      matched = { route: candidate.route, params };
    }

    const ctx: RouteContext = {
      req,
      res,
      path: resolved.path,
      query: resolved.query,
      params: matched?.params ?? {},
      caller: null,
      state,
      product,
      baseUrl,
      runAs(user) {
        ctx.caller = user;
        record.ranAs = user?.username ?? null;
        res.setHeader('X-AUSERNAME', headerSafeUsername(user?.username ?? 'anonymous'));
      },
      error(status, message, fieldErrors = {}) {
        if (resolved.path.startsWith('/rest/')) {
          sendJson(res, status, product.errorBody(status, message, fieldErrors));
        } else {
          const title = `${status} ${STATUS_CODES[status] ?? ''}`.trim();
          sendHtml(res, status, page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`));
        }
      },
    };

    // The login chain runs before any resource, on every path, as Seraph's filter does. On Jira it reads
    // os_username/os_password from the query and a form body on any URL; the login form's own fields are
    // left to the form (it stands in for a person who also solves the CAPTCHA).
    const readsParameters =
      product.seraphParametersOnAnyUrl && !product.loginSubmitPaths.includes(resolved.path);
    if (
      readsParameters &&
      method === 'POST' &&
      /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')
    ) {
      try {
        ctx.form = await readForm(req);
      } catch (error) {
        if (!(error instanceof BodyError)) throw error;
        ctx.error(error.status, error.message);
        return;
      }
    }
    const parameters = readsParameters ? requestParameters(resolved.query, ctx.form) : undefined;
    const caller = resolveCaller(req, state, product, trust, baseUrl, parameters);
    if (caller.kind === 'refused') {
      for (const [name, value] of Object.entries(caller.headers)) res.setHeader(name, value);
      ctx.error(caller.status, caller.message);
      return;
    }
    for (const [name, value] of Object.entries(caller.headers ?? {})) res.setHeader(name, value);
    if (caller.loginReason) res.setHeader('X-Seraph-LoginReason', caller.loginReason);
    ctx.loginReason = caller.loginReason;
    if (caller.startSession && caller.user) startSession(ctx, caller.user);
    else ctx.runAs(caller.user);

    // Seraph's AuthType BASIC: "wants the application to initiate a BASIC Auth challenge"
    // (docs.atlassian.com/atlassian-seraph/2.6.1-m1/apidocs/com/atlassian/seraph/auth/AuthType.html).
    if (!ctx.caller && (resolved.query.get('os_authType') ?? '').toUpperCase() === 'BASIC') {
      res.setHeader('WWW-Authenticate', 'Basic realm="protected-area"');
      ctx.error(401, 'Authentication required: os_authType=basic asks for HTTP Basic credentials.');
      return;
    }

    if (!matched) {
      if (allowed.size > 0) {
        res.setHeader('Allow', [...allowed].sort().join(', '));
        ctx.error(405, `${record.method} is not supported here; use ${[...allowed].sort().join(' or ')}.`);
      } else {
        ctx.error(404, `Nothing is served at ${resolved.path}.`);
      }
      return;
    }

    const { route } = matched;
    if (route.auth !== 'anyone' && !ctx.caller) {
      ctx.error(401, 'You are not authenticated. Authentication required to perform this operation.');
      return;
    }
    if (route.auth === 'admin' && ctx.caller && !isMemberOfAny(ctx.caller, product.adminGroups)) {
      ctx.error(403, `Only members of ${product.adminGroups.join(', ')} may do this.`);
      return;
    }
    if (route.auditWrite && state.auditFailure !== null) {
      if (state.auditFailure === 'reset') {
        req.socket.resetAndDestroy();
        return;
      }
      ctx.error(state.auditFailure.status, 'The audit log is unavailable (simulated failure).');
      return;
    }

    try {
      await route.handle(ctx);
    } catch (error) {
      if (error instanceof BodyError && !res.headersSent) {
        ctx.error(error.status, error.message);
        return;
      }
      throw error;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${hostPart}:${address.port}${product.contextPath}`;

  let closing: Promise<void> | undefined;
  return {
    url: baseUrl,
    product: product.product,
    users,
    auditRecords: state.auditRecords,
    failedLoginCount: (username) => state.logins.failedCount(username),
    requestLog,
    setAuditFailure(mode) {
      state.auditFailure = mode;
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets from a client pool would otherwise hold close() open.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
