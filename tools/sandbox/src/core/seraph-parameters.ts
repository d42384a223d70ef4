import type { SandboxUser } from '../types.js';
import type { SandboxState } from './product.js';

/** Request parameters as a servlet's `getParameter` sees them: the query string first, then a form body. */
export interface RequestParameters {
  get(name: string): string | null;
}

/** What a login by request parameters concluded (`undefined` from {@link loginByParameters}: not tried). */
export type ParameterLogin =
  | { outcome: 'ok'; user: SandboxUser }
  | { outcome: 'failed' }
  | { outcome: 'captcha' }
  /** Seraph's LoginFilter ran, but the request lacks `os_password`: no attempt. */
  | { outcome: 'no-attempt' };

/**
 * Seraph's `LoginFilter` as Jira runs it, on **any URL**: Jira's `JiraLoginFilter`
 * (`com.atlassian.jira.web.filters.JiraLoginFilter`) chooses Seraph's `LoginFilter` over its
 * `HttpAuthFilter` whenever `os_username` is a request parameter — query string or form body — and
 * `LoginFilter` logs in with `os_username` and `os_password`
 * (`PasswordBasedLoginFilter.login`: no attempt unless both are present; a wrong password stamps
 * `X-Seraph-LoginReason: AUTHENTICATED_FAILED` and the request continues anonymously; the elevated
 * security check — the CAPTCHA — denies with `AUTHENTICATION_DENIED`). Parameter names are case-sensitive,
 * as the servlet API's are. (`JiraLoginFilter` picks `LoginFilter` for `os_authType` too; the sandbox
 * still reads Basic credentials then, since `?os_authType=basic` with Basic credentials is how scripts
 * ask for Basic.) Confluence reads these parameters only from its login form
 * (`login.submit.url`, `/dologin.action`, since 7.13.20; from the query string not at all since 7.10:
 * developer.atlassian.com/server/confluence/http-authentication-with-seraph/), so its sandbox never calls
 * this.
 *
 * @example
 * ```ts
 * loginByParameters(new URLSearchParams('os_username=alice&os_password=alice'), state); // { outcome: 'ok', user }
 * loginByParameters(new URLSearchParams('expand=names'), state); // undefined: JiraLoginFilter uses HttpAuthFilter
 * ```
 */
export function loginByParameters(
  parameters: RequestParameters,
  state: SandboxState,
): ParameterLogin | undefined {
  const username = parameters.get('os_username');
  if (username === null) return undefined;
  const password = parameters.get('os_password');
  if (password === null) return { outcome: 'no-attempt' };
  const check = state.logins.check(username, password, false, state.now());
  if (check.outcome === 'ok') return { outcome: 'ok', user: check.user };
  return { outcome: check.outcome };
}

/** The query string, then a form body: what `getParameter` answers from. */
export function requestParameters(
  query: URLSearchParams,
  form: URLSearchParams | undefined,
): RequestParameters {
  return { get: (name) => query.get(name) ?? form?.get(name) ?? null };
}
