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

/**
 * Jira's `/rest/auth/1/session` (contract `AuthSuccess`, `CurrentUser`). Confluence gets the same
 * resource in the sandbox for symmetry; see the README.
 */
export function sessionRoutes(): Route[] {
  return [
    {
      method: 'POST',
      path: '/rest/auth/1/session',
      auth: 'anyone',
      async handle(ctx) {
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
          ctx.error(403, 'Login denied: a CAPTCHA is required. Log in through the login page.');
          return;
        }
        if (check.outcome === 'failed') {
          ctx.res.setHeader('X-Seraph-LoginReason', 'AUTHENTICATED_FAILED');
          ctx.error(401, 'Login failed: the username or password is incorrect.');
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
      path: '/rest/auth/1/session',
      auth: 'user',
      handle(ctx) {
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
      path: '/rest/auth/1/session',
      auth: 'anyone',
      handle(ctx) {
        if (!endSession(ctx)) {
          ctx.error(401, 'There is no session to log out of.');
          return;
        }
        sendEmpty(ctx.res, 204);
      },
    },
  ];
}
