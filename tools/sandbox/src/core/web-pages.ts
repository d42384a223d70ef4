import { readForm } from '../http/body.js';
import { escapeHtml, page, redirect, sendHtml } from '../http/respond.js';
import type { ProductDefinition, Route, RouteContext } from './product.js';
import { endSession, startSession } from './session-routes.js';
import { isMemberOfAny } from './users.js';

/**
 * Where to go after a login. Only paths on this server are followed (no open redirect); like the
 * products, `os_destination` is relative to the context path, but one that already carries it is kept.
 */
function destination(ctx: RouteContext, requested: string | null): string {
  const context = ctx.product.contextPath;
  if (!requested || !requested.startsWith('/') || requested.startsWith('//') || requested.includes('\\')) {
    return `${context}/`;
  }
  if (context && (requested === context || requested.startsWith(`${context}/`))) return requested;
  return `${context}${requested}`;
}

function loginForm(ctx: RouteContext, osDestination: string | null, problem?: string): string {
  const action = `${ctx.product.contextPath}${ctx.product.loginSubmitPaths[0] ?? ctx.product.loginFormPath}`;
  const who = ctx.caller ? `<p>You are currently logged in as ${escapeHtml(ctx.caller.username)}.</p>` : '';
  return page(
    `Log in - ${ctx.product.title}`,
    `<h1>Log in to ${escapeHtml(ctx.product.title)}</h1>${who}
${problem ? `<p class="error" role="alert">${escapeHtml(problem)}</p>` : ''}
<form id="login-form" method="post" action="${escapeHtml(action)}">
<label for="os_username">Username</label><input id="os_username" name="os_username" autocomplete="username" required>
<label for="os_password">Password</label><input id="os_password" name="os_password" type="password" autocomplete="current-password" required>
${osDestination ? `<input type="hidden" name="os_destination" value="${escapeHtml(osDestination)}">` : ''}
<p><button type="submit" id="login-form-submit">Log In</button></p>
</form>`,
  );
}

/** Sends an anonymous browser to the login form, to come back here afterwards. */
export function redirectToLogin(ctx: RouteContext): void {
  const back = `${ctx.path}${ctx.query.size > 0 ? `?${ctx.query.toString()}` : ''}`;
  redirect(
    ctx.res,
    303,
    `${ctx.product.contextPath}${ctx.product.loginFormPath}?os_destination=${encodeURIComponent(back)}`,
  );
}

function homePage(ctx: RouteContext): string {
  const context = ctx.product.contextPath;
  const status = ctx.caller
    ? `<p id="logged-in-user">Logged in as <strong>${escapeHtml(ctx.caller.displayName)}</strong> (${escapeHtml(ctx.caller.username)}).</p>
<p><a href="${escapeHtml(`${context}${ctx.product.logoutPath}`)}">Log out</a></p>`
    : `<p id="logged-in-user">You are not logged in.</p>
<p><a href="${escapeHtml(`${context}${ctx.product.loginFormPath}`)}">Log in</a></p>`;
  return page(
    ctx.product.title,
    `<h1>${escapeHtml(ctx.product.title)}</h1>${status}
<p><a href="${escapeHtml(`${context}${ctx.product.auditPagePath}`)}">Audit log</a></p>`,
  );
}

/** Browser-facing pages both products have: home/dashboard, login form, logout, audit listing. */
export function webPageRoutes(
  paths: Pick<
    ProductDefinition,
    'homePaths' | 'loginFormPath' | 'loginSubmitPaths' | 'logoutPath' | 'auditPagePath'
  >,
): Route[] {
  const { homePaths, loginFormPath, loginSubmitPaths, logoutPath, auditPagePath } = paths;
  const submit = async (ctx: RouteContext): Promise<void> => {
    const form = await readForm(ctx.req);
    const username = form.get('os_username') ?? '';
    const password = form.get('os_password') ?? '';
    const osDestination = form.get('os_destination');
    if (!username) {
      sendHtml(ctx.res, 400, loginForm(ctx, osDestination, 'Enter your username and password.'));
      return;
    }
    const check = ctx.state.logins.check(username, password, true, ctx.state.now());
    if (check.outcome !== 'ok') {
      ctx.res.setHeader('X-Seraph-LoginReason', 'AUTHENTICATED_FAILED');
      sendHtml(
        ctx.res,
        200,
        loginForm(ctx, osDestination, 'Sorry, your username and password are incorrect - please try again.'),
      );
      return;
    }
    startSession(ctx, check.user);
    redirect(ctx.res, 303, destination(ctx, osDestination));
  };
  return [
    ...homePaths.map((path): Route => ({
      method: 'GET',
      path,
      auth: 'anyone',
      handle: (ctx) => sendHtml(ctx.res, 200, homePage(ctx)),
    })),
    {
      method: 'GET',
      path: loginFormPath,
      auth: 'anyone',
      handle: (ctx) => sendHtml(ctx.res, 200, loginForm(ctx, ctx.query.get('os_destination'))),
    },
    ...loginSubmitPaths.map((path): Route => ({ method: 'POST', path, auth: 'anyone', handle: submit })),
    {
      method: 'GET',
      path: logoutPath,
      auth: 'anyone',
      handle(ctx) {
        endSession(ctx);
        redirect(ctx.res, 303, `${ctx.product.contextPath}${ctx.product.loginFormPath}`);
      },
    },
    {
      method: 'GET',
      path: auditPagePath,
      auth: 'anyone',
      handle(ctx) {
        if (!ctx.caller) {
          redirectToLogin(ctx);
          return;
        }
        if (!isMemberOfAny(ctx.caller, ctx.product.adminGroups)) {
          ctx.error(403, 'Only administrators may view the audit log.');
          return;
        }
        sendHtml(ctx.res, 200, auditPage(ctx));
      },
    },
  ];
}

function auditPage(ctx: RouteContext): string {
  const rows = [...ctx.state.storedAudit]
    .reverse()
    .map(
      (
        record,
      ) => `<tr><td>${escapeHtml(record.receivedAt.toISOString())}</td><td>${escapeHtml(record.author.username)}</td>
<td>${escapeHtml(String(record.body.summary ?? ''))}</td><td><pre>${escapeHtml(JSON.stringify(record.body, null, 2))}</pre></td></tr>`,
    )
    .join('\n');
  const table = rows
    ? `<table id="audit-records"><thead><tr><th scope="col">Received</th><th scope="col">Sent by</th><th scope="col">Summary</th><th scope="col">Record</th></tr></thead>
<tbody>${rows}</tbody></table>`
    : '<p id="audit-records-empty">No audit records have been received.</p>';
  return page(`Audit log - ${ctx.product.title}`, `<h1>Audit log</h1>${table}`);
}
