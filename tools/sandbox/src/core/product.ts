import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditFailureMode, SandboxUser } from '../types.js';
import type { LoginReason } from './authenticate.js';
import type { SeraphLogins } from './seraph.js';
import type { SessionStore } from './sessions.js';

/** Who may call a route; the core answers 401/403 before the handler runs. */
export type AuthRequirement = 'anyone' | 'user' | 'admin';

/** Mutable state of one running sandbox, shared by the core and the product's routes. */
export interface SandboxState {
  users: Map<string, SandboxUser>;
  logins: SeraphLogins;
  sessions: SessionStore;
  /** Legacy audit bodies as received (exposed as `Sandbox.auditRecords`). */
  auditRecords: unknown[];
  /** The same records with what the product adds when it stores them, for the read-back endpoints. */
  storedAudit: StoredAuditRecord[];
  auditFailure: AuditFailureMode;
  now(): Date;
}

export interface StoredAuditRecord {
  id: number;
  body: Record<string, unknown>;
  author: SandboxUser;
  remoteAddress: string;
  receivedAt: Date;
}

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Normalised path inside the context path. */
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  caller: SandboxUser | null;
  state: SandboxState;
  product: ProductDefinition;
  /** Absolute base URL including the context path, no trailing slash. */
  baseUrl: string;
  /** A form body the login chain already read (Jira reads `os_username`/`os_password` from it). */
  form?: URLSearchParams;
  /** The outcome of a login attempt the login chain made on this request, if any. */
  loginReason?: LoginReason;
  /** Records that this request now runs as `user` (after a login on this very request). */
  runAs(user: SandboxUser | null): void;
  /** Answers with the product's error shape: JSON under `/rest/`, an HTML page elsewhere. */
  error(status: number, message: string, fieldErrors?: Record<string, string>): void;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path inside the context path; `{name}` matches one segment. */
  path: string;
  auth: AuthRequirement;
  /** The legacy audit-writing endpoint, which `setAuditFailure` makes fail. */
  auditWrite?: boolean;
  handle(ctx: RouteContext): void | Promise<void>;
}

/** Everything that differs between the Jira and the Confluence sandbox. */
export interface ProductDefinition {
  product: 'jira' | 'confluence';
  title: string;
  contextPath: string;
  adminGroups: string[];
  /** The HTML login form (GET) and where it posts to; used in CAPTCHA `login-url`s and redirects. */
  loginFormPath: string;
  loginSubmitPaths: string[];
  /**
   * Whether Seraph logs in with `os_username`/`os_password` request parameters on any URL (Jira), or
   * only through the login form (Confluence since 7.10 / 7.13.20).
   */
  seraphParametersOnAnyUrl: boolean;
  logoutPath: string;
  homePaths: string[];
  auditPagePath: string;
  /** The REST URL of a user, as the product's `self` links give it. */
  userSelfUrl(baseUrl: string, user: SandboxUser): string;
  errorBody(status: number, message: string, fieldErrors: Record<string, string>): unknown;
  routes: Route[];
}
