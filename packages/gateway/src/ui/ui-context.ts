/** What the gateway knows about a UI request when it asks for a page. */

/**
 * Everything a page needs from the request and the settings. The gateway builds it per request.
 *
 * @example
 * const ctx: UiContext = {
 *   contextPath: '/confluence',
 *   productDisplayName: 'Confluence',
 *   loginUrl: '/confluence/login.action?os_destination=%2Fplugins%2Fservlet%2Fapi-token-auth%2Ftokens',
 *   caller: { username: 'alice', displayName: 'Alice Liddell', isAdmin: false },
 *   settings: { adminOnly: false },
 * };
 */
export interface UiContext {
  /** The product's context path without a trailing slash, e.g. `''` or `'/confluence'`. */
  contextPath: string;
  /** `'Jira'` or `'Confluence'`. */
  productDisplayName: string;
  /** The product's login page incl. context path and `os_destination` back to the page. */
  loginUrl: string;
  /** From the product session cookie; `null` = not logged in. */
  caller: { username: string; displayName?: string; isAdmin: boolean } | null;
  /** Shown as an info box for non-admins when only admins may create tokens. */
  settings: { adminOnly: boolean };
}

/** The two pages under `<ctx>/plugins/servlet/api-token-auth/`. */
export type UiPage = 'tokens' | 'admin';

/** Path of the UI below the context path. */
export const UI_PATH = '/plugins/servlet/api-token-auth';

/** Path of the management REST API below the context path. */
export const API_PATH = '/rest/api-token-auth/1.0';
