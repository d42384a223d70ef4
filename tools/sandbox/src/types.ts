/**
 * A user of a sandbox product. The sandbox reads these objects live, so a test can deactivate a user or
 * change groups between requests.
 *
 * @example
 * ```ts
 * const sandbox = await startJiraSandbox();
 * sandbox.users.get('alice')!.active = false;
 * ```
 */
export interface SandboxUser {
  username: string;
  password: string;
  displayName: string;
  active: boolean;
  groups: string[];
  /** Jira user key (`JIRAUSER10100`) or Confluence user key (32 hex digits). */
  key: string;
  email: string;
  /**
   * Confluence only: what `GET /rest/api/user?…&expand=status` reports. Unset: `current` for an active
   * user, `deactivated` otherwise. (It does not change who may log in; `active` does.)
   */
  status?: ConfluenceUserStatus;
  /**
   * Confluence only: the global permission *View User Profiles*. `false` (e.g. a service account that
   * lacks it): `GET /rest/api/user` answers **403** "User not permitted to view user profiles", as
   * Confluence does. Unset: true.
   */
  canViewUserProfiles?: boolean;
}

/**
 * The values of Confluence's `UserStatus` (`com.atlassian.confluence.api.model.people.UserStatus`:
 * `CURRENT`, `DEACTIVATED`, `EXTERNALLY_DELETED`, `UNLICENSED`), as the REST API serialises them.
 */
export type ConfluenceUserStatus = 'current' | 'deactivated' | 'externallyDeleted' | 'unlicensed';

/**
 * Options both sandboxes share.
 *
 * @example
 * ```ts
 * const sandbox = await startJiraSandbox({ identitySecret: 's3cret', captchaThreshold: 5 });
 * ```
 */
export interface SandboxOptions {
  /** Listen address; default `127.0.0.1`. */
  host?: string;
  /** Listen port; default `0` (a free port). */
  port?: number;
  /** Header carrying the username from an authenticating proxy; default `X-Forwarded-User`. */
  identityHeader?: string;
  /**
   * When set, the identity header is trusted only when `X-Api-Token-Auth-Secret` equals this value
   * (compared in constant time). When unset, the identity header is never trusted.
   */
  identitySecret?: string;
  /** Consecutive password failures per user after which Seraph demands a CAPTCHA; default 3. */
  captchaThreshold?: number;
}

/**
 * Options of the Jira sandbox.
 *
 * @example
 * ```ts
 * const legacy = await startJiraSandbox({ version: '9.12.0' }); // has POST /rest/api/2/auditing/record
 * ```
 */
export interface JiraSandboxOptions extends SandboxOptions {
  /** Reported by `serverInfo`; default `10.3.0`. A major version below 10 enables the legacy audit endpoint. */
  version?: string;
}

/**
 * Options of the Confluence sandbox.
 *
 * @example
 * ```ts
 * const wiki = await startConfluenceSandbox({ contextPath: '/wiki', legacyAudit: false });
 * ```
 */
export interface ConfluenceSandboxOptions extends SandboxOptions {
  /** Context path everything lives under; default `/confluence`, `''` for none. */
  contextPath?: string;
  /** Whether `POST /rest/api/audit` exists; default true. When false it answers 405. */
  legacyAudit?: boolean;
  /** Reported by `/rest/api/server-information`; default `10.0.3`. */
  version?: string;
}

/**
 * One request as the sandbox received it.
 *
 * @example
 * ```ts
 * const reachedJira = sandbox.requestLog.some((r) => r.headers.authorization?.toString().includes('Basic'));
 * ```
 */
export interface SandboxRequestRecord {
  method: string;
  /** The request target exactly as received: path and query string. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The user the request ran as, or null when it ran anonymously or authentication failed. */
  ranAs: string | null;
}

/**
 * How the audit-writing endpoint should fail, or null for normal operation.
 *
 * @example
 * ```ts
 * sandbox.setAuditFailure({ status: 503 }); // later: sandbox.setAuditFailure(null)
 * ```
 */
export type AuditFailureMode = null | { status: number } | 'reset';

/**
 * A running sandbox product.
 *
 * @example
 * ```ts
 * const jira = await startJiraSandbox();
 * const res = await fetch(`${jira.url}/rest/api/2/myself`, {
 *   headers: { authorization: `Basic ${Buffer.from('alice:alice').toString('base64')}` },
 * });
 * res.headers.get('x-ausername'); // 'alice'
 * await jira.close();
 * ```
 */
export interface Sandbox {
  /** Base URL including the context path, e.g. `http://127.0.0.1:43123/confluence`. */
  url: string;
  product: 'jira' | 'confluence';
  /** Users by lower-cased username; mutable. */
  users: Map<string, SandboxUser>;
  /** Bodies received by the legacy audit endpoint, as received, in arrival order. */
  auditRecords: unknown[];
  /** The product's own (Seraph) consecutive failed-password count for a user; 0 for unknown users. */
  failedLoginCount(username: string): number;
  /** Every request received, in arrival order. */
  requestLog: SandboxRequestRecord[];
  /** Make the audit-writing endpoint answer with a status or reset the connection, until set back to null. */
  setAuditFailure(mode: AuditFailureMode): void;
  close(): Promise<void>;
}
