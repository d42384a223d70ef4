import type { SandboxUser } from '../types.js';
import { findUser } from './users.js';
import { secretsEqual } from './secrets.js';

/** What Seraph's password check concluded. */
export type PasswordCheck =
  { outcome: 'ok'; user: SandboxUser } | { outcome: 'failed' } | { outcome: 'captcha'; user: SandboxUser };

/** Per-user login statistics, as Jira's `LoginInfo` reports them. */
export interface LoginInfo {
  failedLoginCount: number;
  loginCount: number;
  lastFailedLoginTime?: Date;
  lastLoginTime?: Date;
  previousLoginTime?: Date;
}

/**
 * The product's own failed-password counter (Seraph's `LoginManager`): consecutive failures per user, a
 * CAPTCHA demand once the threshold is reached, reset by a successful login.
 */
export class SeraphLogins {
  private readonly info = new Map<string, LoginInfo>();

  constructor(
    private readonly users: Map<string, SandboxUser>,
    private readonly captchaThreshold: number,
  ) {}

  /**
   * `solvesCaptcha` is true for the HTML login form: a person at the form would be shown the CAPTCHA and
   * solve it, so the form stands in for that and still accepts the right password.
   */
  check(username: string, password: string, solvesCaptcha: boolean, now: Date): PasswordCheck {
    const user = findUser(this.users, username);
    if (!user) return { outcome: 'failed' };
    const info = this.infoFor(user.username);
    if (!solvesCaptcha && info.failedLoginCount >= this.captchaThreshold) return { outcome: 'captcha', user };
    if (!secretsEqual(password, user.password)) {
      info.failedLoginCount += 1;
      info.lastFailedLoginTime = now;
      return { outcome: 'failed' };
    }
    // An inactive user's right password is refused but is not a guessing attempt, so it is not counted.
    if (!user.active) return { outcome: 'failed' };
    info.failedLoginCount = 0;
    info.loginCount += 1;
    if (info.lastLoginTime) info.previousLoginTime = info.lastLoginTime;
    info.lastLoginTime = now;
    return { outcome: 'ok', user };
  }

  failedCount(username: string): number {
    const user = findUser(this.users, username);
    return user ? (this.info.get(user.username.toLowerCase())?.failedLoginCount ?? 0) : 0;
  }

  loginInfo(username: string): LoginInfo {
    return { ...this.infoFor(username) };
  }

  private infoFor(username: string): LoginInfo {
    const key = username.toLowerCase();
    let info = this.info.get(key);
    if (!info) {
      info = { failedLoginCount: 0, loginCount: 0 };
      this.info.set(key, info);
    }
    return info;
  }
}
