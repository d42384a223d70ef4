/** JSON shapes of the management REST API (DESIGN §2), as the client reads them. */

export type Validity = '6m' | '1y' | '2y' | 'never';

export interface TokenJson {
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastUsedFrom: string | null;
  createdBy?: string;
  /** Present in the admin listing. */
  owner?: string;
}

export interface CreatedTokenJson {
  id: string;
  name: string;
  /** The plaintext token: shown once, never stored by the page. */
  token: string;
  createdAt: string;
  expiresAt: string | null;
}

export interface ValidityOptionsJson {
  ceiling: Validity;
  choices: Validity[];
}

export interface SettingsJson {
  maxValidity: Validity;
  ipAllowList: string[];
  passwordBasicAuth: boolean;
  adminOnly: boolean;
  failedLogins: { maxAttempts: number; windowMinutes: number; lockoutMinutes: number };
}
