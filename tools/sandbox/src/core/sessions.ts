import { randomBytes } from 'node:crypto';

/** Server-side HTTP sessions keyed by the `JSESSIONID` cookie value. */
export class SessionStore {
  private readonly sessions = new Map<string, { username: string }>();

  create(username: string): string {
    // Tomcat's session ids are 32 upper-case hex digits.
    const id = randomBytes(16).toString('hex').toUpperCase();
    this.sessions.set(id, { username });
    return id;
  }

  usernameOf(id: string): string | undefined {
    return this.sessions.get(id)?.username;
  }

  destroy(id: string): boolean {
    return this.sessions.delete(id);
  }
}

export const SESSION_COOKIE = 'JSESSIONID';

/** Reads one cookie from a `Cookie` header; the last occurrence wins, as in Tomcat. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  let found: string | undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) found = part.slice(eq + 1).trim();
  }
  return found;
}
