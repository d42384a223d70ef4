import { z } from 'zod';
import { readJson } from '../http/body.js';
import { sendEmpty, sendJson } from '../http/respond.js';
import type { SandboxUser } from '../types.js';
import type { RouteContext, Route } from './product.js';
import { readCookie, SESSION_COOKIE } from './sessions.js';
import { atlassianTime } from './time.js';
import { fieldErrorsOf } from './validation.js';

const LoginBody = z.object({ username: z.string().min(1), password: z.string() });

/** Starts a session for `user` on this response (login form and REST login). */
export function startSession(ctx: RouteContext, user: SandboxUser): string {
  const id = ctx.state.sessions.create(user.username);
  ctx.res.setHeader(
    'Set-Cookie',
    `${SESSION_COOKIE}=${id}; Path=${ctx.product.contextPath || '/'}; HttpOnly`,
  );
  ctx.res.setHeader('X-Seraph-LoginReason', 'OK');
  ctx.runAs(user);
  return id;
}

export function endSession(ctx: RouteContext): boolean {
  const id = readCookie(ctx.req.headers.cookie, SESSION_COOKIE);
  ctx.res.setHeader(
    'Set-Cookie',
    `${SESSION_COOKIE}=; Path=${ctx.product.contextPath || '/'}; HttpOnly; Max-Age=0`,
  );
  return id !== undefined && ctx.state.sessions.destroy(id);
}

function loginInfo(ctx: RouteContext, username: string): Record<string, unknown> {
  const info = ctx.state.logins.loginInfo(username);
  return {
    failedLoginCount: info.failedLoginCount,
    loginCount: info.loginCount,
    ...(info.lastFailedLoginTime && { lastFailedLoginTime: atlassianTime(info.lastFailedLoginTime) }),
    ...(info.previousLoginTime && { previousLoginTime: atlassianTime(info.previousLoginTime) }),
  };
}

/** Answers 404 unless the `{version}` segment is one the REST module serves; true when it is. */
function servedVersion(ctx: RouteContext, versions: readonly string[]): boolean {
  if (versions.includes(ctx.params.version ?? '')) return true;
  ctx.error(404, `Nothing is served at ${ctx.path}.`);
  return false;
}

/**
 * Jira's `/rest/auth/{1,latest}/session` (contract `AuthSuccess`, `CurrentUser`), as Jira's
 * `com.atlassian.jira.rest.auth.Login` answers: a POST logs in with `{username, password}` through
 * Seraph's password login (`PasswordBasedLoginFilter`); a wrong password is **401** `Login failed` with
 * `WWW-Authenticate: JIRA REST POST`; a denied login (the CAPTCHA) is **403** `Login denied` with
 * `X-Authentication-Denied-Reason`. The REST module serves its version `1` and the alias `latest`
 * (developer.atlassian.com/server/jira/platform/cookie-based-authentication/). Confluence has no such
 * resource (CONFSERVER-54062); its sandbox serves `1` for symmetry, see the README.
 */
export function sessionRoutes(versions: readonly string[] = ['1']): Route[] {
  return [
    {
      method: 'POST',
      path: '/rest/auth/{version}/session',
      auth: 'anyone',
      async handle(ctx) {
        if (!servedVersion(ctx, versions)) return;
        const parsed = LoginBody.safeParse(await readJson(ctx.req));
        if (!parsed.success) {
          ctx.error(400, 'Send {"username": "…", "password": "…"}.', fieldErrorsOf(parsed.error));
          return;
        }
        const { username, password } = parsed.data;
        const check = ctx.state.logins.check(username, password, false, ctx.state.now());
        if (check.outcome === 'captcha') {
          ctx.res.setHeader('X-Seraph-LoginReason', 'AUTHENTICATION_DENIED');
          ctx.res.setHeader(
            'X-Authentication-Denied-Reason',
            `CAPTCHA_CHALLENGE; login-url=${ctx.baseUrl}${ctx.product.loginFormPath}`,
          );
          ctx.error(403, 'Login denied');
          return;
        }
        if (check.outcome === 'failed') {
          ctx.res.setHeader('X-Seraph-LoginReason', 'AUTHENTICATED_FAILED');
          ctx.res.setHeader('WWW-Authenticate', 'JIRA REST POST');
          ctx.error(401, 'Login failed');
          return;
        }
        const id = startSession(ctx, check.user);
        sendJson(ctx.res, 200, {
          session: { name: SESSION_COOKIE, value: id },
          loginInfo: loginInfo(ctx, check.user.username),
        });
      },
    },
    {
      method: 'GET',
      path: '/rest/auth/{version}/session',
      auth: 'user',
      handle(ctx) {
        if (!servedVersion(ctx, versions)) return;
        const user = ctx.caller as SandboxUser;
        sendJson(ctx.res, 200, {
          self: ctx.product.userSelfUrl(ctx.baseUrl, user),
          name: user.username,
          loginInfo: loginInfo(ctx, user.username),
        });
      },
    },
    {
      method: 'DELETE',
      path: '/rest/auth/{version}/session',
      auth: 'anyone',
      handle(ctx) {
        if (!servedVersion(ctx, versions)) return;
        if (!endSession(ctx)) {
          ctx.error(401, 'There is no session to log out of.');
          return;
        }
        sendEmpty(ctx.res, 204);
      },
    },
  ];
}
