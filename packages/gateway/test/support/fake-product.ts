/**
 * An in-process implementation of the `Product` port for tests: users with passwords, groups and an
 * active flag, session cookies, an audit sink. It counts its calls so tests can show what the gateway
 * asked (and what it never asked).
 */
import {
  judgeSeraphPasswordResponse,
  type CallerCredentials,
  type Product,
  type ProductAuditRecord,
  type ProductIdentity,
  type ProductUser,
} from '@api-token-auth/product-port';

export interface FakeUser {
  username: string;
  password: string;
  active: boolean;
  groups: string[];
}

export interface FakeProduct extends Product {
  users: Map<string, FakeUser>;
  /** Session cookie value → username. */
  sessions: Map<string, string>;
  audit: ProductAuditRecord[];
  calls: { whoIs: number; lookUpUser: number };
  /** Opens a session; returns the `Cookie` header value. */
  logIn(username: string): string;
  setUser(user: FakeUser): void;
}

export const ADMIN_GROUP = 'product-administrators';

function decodeBasic(authorization: string): { username: string; password: string } | null {
  const match = /^basic\s+(\S+)$/i.exec(authorization.trim());
  if (match === null) return null;
  const text = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? null : { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

export function createFakeProduct(): FakeProduct {
  const users = new Map<string, FakeUser>();
  const sessions = new Map<string, string>();
  const audit: ProductAuditRecord[] = [];
  const calls = { whoIs: 0, lookUpUser: 0 };
  let sessionCounter = 0;

  const setUser = (user: FakeUser) => users.set(user.username.toLowerCase(), user);
  setUser({ username: 'admin', password: 'admin', active: true, groups: [ADMIN_GROUP, 'users'] });
  setUser({ username: 'alice', password: 'alice', active: true, groups: ['users'] });
  setUser({ username: 'bob', password: 'bob', active: false, groups: ['users'] });
  setUser({ username: 'carol', password: 'carol', active: true, groups: ['users'] });

  return {
    displayName: 'Fake Product',
    defaultAdminGroups: [ADMIN_GROUP],
    restSessionLoginPath: '/rest/auth/1/session',
    loginPagePath: '/login.jsp',
    users,
    sessions,
    audit,
    calls,
    setUser,
    logIn(username) {
      sessionCounter += 1;
      const id = `session-${sessionCounter}-${username}`;
      sessions.set(id, username);
      return `JSESSIONID=${id}; other=1`;
    },
    async whoIs(credentials: CallerCredentials): Promise<ProductIdentity | null> {
      calls.whoIs += 1;
      if (credentials.authorization !== undefined) {
        const basic = decodeBasic(credentials.authorization);
        if (basic === null) return null;
        const user = users.get(basic.username.toLowerCase());
        return user !== undefined && user.active && user.password === basic.password
          ? { username: user.username }
          : null;
      }
      const match = /JSESSIONID=([^;\s]+)/.exec(credentials.cookie ?? '');
      const username = match === null ? undefined : sessions.get(match[1] ?? '');
      return username === undefined ? null : { username };
    },
    async lookUpUser(username: string): Promise<ProductUser | null> {
      calls.lookUpUser += 1;
      const user = users.get(username.toLowerCase());
      if (user === undefined) return null;
      return {
        username: user.username,
        key: `key-${user.username}`,
        displayName: user.username,
        active: user.active,
        groups: [...user.groups],
      };
    },
    async deliverAudit(record) {
      audit.push(record);
      return 'delivered';
    },
    judgePasswordResponse: judgeSeraphPasswordResponse,
  };
}
