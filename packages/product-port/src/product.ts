/**
 * The `Product` port: everything the gateway needs from the product behind it. An adapter (Jira,
 * Confluence) implements it; the gateway never names a product.
 */

/** Who a cookie or credential belongs to, as the product answers. */
export interface ProductIdentity {
  username: string;
  displayName?: string;
}

/** A user as the product's service-account look-up reports it. */
export interface ProductUser {
  username: string;
  key?: string;
  displayName: string;
  active: boolean;
  /** Group names. */
  groups: string[];
}

/** One gateway audit event, translated for the product's own audit log. */
export interface ProductAuditRecord {
  /** Stable event id: the same event delivered twice carries the same id. */
  eventId: string;
  /** Stable type code, e.g. `token.created`. */
  type: string;
  /** One-line human summary, e.g. `API token "ci" created for alice by admin`. */
  summary: string;
  createdAt: Date;
  actor: string;
  subject: string | null;
  onBehalf: boolean;
  clientAddress: string | null;
  /** Field changes, e.g. `[{field: 'maxValidity', from: 'never', to: '1y'}]`. */
  changedValues: Array<{ field: string; from: string; to: string }>;
  /** The object concerned, e.g. `{id: 'Ab12…', name: 'ci', typeName: 'API token'}`. */
  object: { id: string; name: string; typeName: string } | null;
}

/**
 * Result of handing one record to the product's audit log.
 * `unsupported`: the product has no writable audit log (Jira 10+, a 404/405) — the gateway's own log
 * remains the record; do not retry. Transient failures throw (the outbox retries with backoff).
 */
export type ProductAuditDelivery = 'delivered' | 'unsupported';

/** How the product answered a forwarded password request. */
export type PasswordVerdict = 'failed' | 'succeeded' | 'unknown';

/** Credentials of an incoming request, passed to the product to ask who they belong to. */
export interface CallerCredentials {
  cookie?: string;
  authorization?: string;
}

/** The port. All methods are called with the product's base URL already configured. */
export interface Product {
  /** Display name for pages and messages, e.g. "Jira". */
  readonly displayName: string;
  /** Default for `ATA_ADMIN_GROUPS`. */
  readonly defaultAdminGroups: readonly string[];
  /** Context-relative path of the product's REST password-login endpoint, e.g. `/rest/auth/1/session`. */
  readonly restSessionLoginPath: string;
  /** Context-relative path of the product's login page, for the "please log in" page. */
  readonly loginPagePath: string;
  /** Ask the product who these credentials (session cookie) belong to; `null` = anonymous/invalid. */
  whoIs(credentials: CallerCredentials): Promise<ProductIdentity | null>;
  /** Service-account look-up of a user with active flag and groups; `null` = no such user. */
  lookUpUser(username: string): Promise<ProductUser | null>;
  /** Write one record to the product's audit log. */
  deliverAudit(record: ProductAuditRecord): Promise<ProductAuditDelivery>;
  /** Classify the product's response to a forwarded password request (Seraph headers, 401). */
  judgePasswordResponse(
    status: number,
    headers: Record<string, string | string[] | undefined>,
  ): PasswordVerdict;
  /** Release connections etc. */
  close?(): Promise<void>;
}
