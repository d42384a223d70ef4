/**
 * Shared data types of the policy core. Every other module of the core and every consumer of it
 * (gateway, adapters) speaks in these types.
 */

/** A token validity option (DESIGN §3). `never` = no expiry. */
export type Validity = '6m' | '1y' | '2y' | 'never';

/** Failed-login thresholds (DESIGN §2 settings `failedLogins`). */
export interface FailedLoginPolicy {
  /** The Nth consecutive failure inside the window locks the key. */
  maxAttempts: number;
  /** Failures older than this many minutes no longer count. */
  windowMinutes: number;
  /** How long a lock lasts. */
  lockoutMinutes: number;
}

/**
 * The `failedLogins` settings: the user threshold and its window and lockout, and the threshold of an
 * address (issue 20 item 3).
 */
export interface FailedLoginSettings extends FailedLoginPolicy {
  /**
   * Failures from one client address, across all users, that lock the address (spraying). Absent =
   * automatic: {@link FailedLoginPolicy.maxAttempts} × 10 (settings saved by earlier releases have
   * none). Never below `maxAttempts`, so one user's typos lock that user, not their colleagues.
   */
  maxAttemptsPerAddress?: number;
}

/** System-wide settings, exactly the JSON of `GET/PUT /admin/settings`. */
export interface Settings {
  maxValidity: Validity;
  ipAllowList: string[];
  passwordBasicAuth: boolean;
  adminOnly: boolean;
  failedLogins: FailedLoginSettings;
}

/** The parsed parts of a presented token (`ata_…`). */
export interface ParsedToken {
  /** The public lookup id (stored in clear, indexed). */
  id: string;
  /** The secret part; only its bcrypt hash is ever stored. */
  secret: string;
}

/** Who is acting, as far as the policy cares. */
export interface Actor {
  username: string;
  isAdmin: boolean;
}

/** What the policy needs to know of a stored token (never its hash). */
export interface TokenFacts {
  id: string;
  /** Owner's username as stored (compare case-insensitively). */
  owner: string;
  createdAt: Date;
  /** Stored expiry; `null` = never. */
  expiresAt: Date | null;
}

/** What the policy needs to know of a token's owner, as the product reports it. */
export interface OwnerFacts {
  /** `false` when the product says the user is deactivated. */
  active: boolean;
  isAdmin: boolean;
}

/**
 * Result of a lockout check. `key` (when the caller knows it) names the counter that is locked —
 * `user:<name>` or `ip:<address>` — so the refusal can say which one applies.
 */
export type LockoutStatus = { locked: false } | { locked: true; until: Date; key?: string };

/**
 * Persistent failed-login counter for one key (`user:<name>` or `ip:<address>`).
 * The stores keep exactly this and apply the core's pure transitions atomically.
 */
export interface FailedLoginState {
  /** Failures counted in the current window. */
  failures: number;
  /** Start of the current counting window, `null` when no failure is counted. */
  windowStartedAt: Date | null;
  /** Most recent failure. */
  lastFailureAt: Date | null;
  /** Set while locked. */
  lockedUntil: Date | null;
}
