import { sendJson } from '../http/respond.js';
import type { Route } from '../core/product.js';

/** The versions the gadget REST module serves: its own `1.0` and the alias `latest`. */
const VERSIONS: readonly string[] = ['1.0', 'latest'];

/**
 * Jira's dashboard login gadget, `POST /rest/gadget/1.0/login` (Jira `com.atlassian.jira.gadgets.system.
 * LoginGadgetResource`, since 4.0): "Login should have already occurred by now due to the Seraph Login
 * filter" — the resource itself only reports how the login chain fared, always with **200** and the
 * login properties. The password arrives as `os_username`/`os_password` (form or query; Seraph's
 * `LoginFilter`) or as Basic credentials, both handled by the sandbox's login chain before this runs.
 * Scripts use it to get a session cookie (e.g. github.com/zmr0k/hello-world `scripts/zm_ldapAuth.py`).
 */
export function gadgetLoginRoute(): Route {
  return {
    method: 'POST',
    path: '/rest/gadget/{version}/login',
    auth: 'anyone',
    handle(ctx) {
      if (!VERSIONS.includes(ctx.params.version ?? '')) {
        ctx.error(404, `Nothing is served at ${ctx.path}.`);
        return;
      }
      const denied = ctx.loginReason === 'AUTHENTICATION_DENIED';
      sendJson(ctx.res, 200, {
        allowCookies: true,
        externalUserManagement: false,
        isPublicMode: false,
        isElevatedSecurityCheckShown: denied,
        loginSucceeded: ctx.caller !== null,
        captchaFailure: denied,
        loginError: ctx.loginReason === 'AUTHENTICATED_FAILED',
        communicationError: false,
        contactAdminLink: `<a href="${ctx.baseUrl}/secure/ContactAdministrators!default.jspa">contact an administrator</a>`,
        loginFailedByPermissions: false,
      });
    },
  };
}
