/**
 * The seam between the gateway and its web UI: what the gateway hands a UI implementation when it
 * mounts it below `<ctx>/plugins/servlet/api-token-auth/`. The UI uses only the management REST API.
 */
import type { IncomingMessage } from 'node:http';
import type { Settings } from '@api-token-auth/token-policy';

/** What the gateway gives a UI implementation when it mounts it. */
export interface UiMountContext {
  contextPath: string;
  /** `<ctx>/rest/api-token-auth/1.0`: the only back end the UI's pages may use. */
  apiBase: string;
  productName: string;
  /** Context-relative path of the product's login page, e.g. `/login.jsp`. */
  loginPagePath: string;
  /** Absolute path of the product's login page (context path included). */
  loginPath: string;
  /** Who the request's product session cookie belongs to; `null` = not logged in. Throws when the product is down. */
  identify(
    req: IncomingMessage,
  ): Promise<{ username: string; displayName?: string; isAdmin: boolean } | null>;
  /** Current system-wide settings (e.g. for the "only admins" info box). */
  settings(): Settings;
  /** Reports failures the UI answers with 503 (product unreachable while identifying the caller). */
  onError(error: unknown): void;
}
