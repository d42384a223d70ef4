/**
 * Issue 20 item 4: the identity header carries the UTF-8 bytes of the name, and the sandbox reads it as
 * a header authenticator on the real product must (`src/core/identity-header.ts`). Real HTTP: the
 * header goes out as raw bytes through node:http, exactly as the gateway sends it.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox, SandboxUser } from '../src/index.js';
import { products } from './products.js';
import { readIdentityHeader } from '../src/core/identity-header.js';

const SECRET = 'shared-secret-for-tests';
const NAMES = ['josé', 'Straße', 'Øystein', '山田太郎', 'fox🦊'];

/** GET with the identity header's value given as bytes (each byte one latin1 character, as Node writes it). */
function getAs(
  s: Sandbox,
  path: string,
  identity: Buffer,
): Promise<{ status: number; body: string; user: string }> {
  const url = new URL(`${s.url}${path}`);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        headers: { 'x-forwarded-user': identity.toString('latin1'), 'x-api-token-auth-secret': SECRET },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, user: String(res.headers['x-ausername'] ?? '') }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function addUser(s: Sandbox, username: string): void {
  const user: SandboxUser = {
    username,
    password: 'pw',
    displayName: `User ${username}`,
    active: true,
    groups: [],
    key: `key-${Buffer.from(username).toString('hex')}`,
    email: 'someone@example.com',
  };
  s.users.set(username.toLowerCase(), user);
}

describe('readIdentityHeader', () => {
  it.each(NAMES)('reads %s from its UTF-8 bytes', (name) => {
    expect(readIdentityHeader(Buffer.from(name, 'utf8').toString('latin1'))).toBe(name);
  });

  it('checked on the wire: josé is 6a 6f 73 c3 a9', () => {
    expect(readIdentityHeader(Buffer.from([0x6a, 0x6f, 0x73, 0xc3, 0xa9]).toString('latin1'))).toBe('josé');
  });

  it.each([
    ['a lone latin1 é (not UTF-8)', [0x6a, 0x6f, 0x73, 0xe9]],
    ['0xff', [0xff]],
    ['a truncated sequence', [0xe5, 0xb1]],
    ['an overlong slash', [0xc0, 0xaf]],
  ])('names nobody for %s', (_name, bytes) => {
    expect(readIdentityHeader(Buffer.from(bytes).toString('latin1'))).toBeNull();
  });
});

describe.each(products)('$name: the identity header is read as UTF-8', (product) => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  it.each(NAMES)('runs as %s', async (name) => {
    sandbox = await product.start({ identitySecret: SECRET });
    addUser(sandbox, name);
    const res = await getAs(sandbox, product.whoAmIPath, Buffer.from(name, 'utf8'));
    expect(res.status).toBe(200);
    // X-AUSERNAME: a name outside printable ASCII is percent-encoded (a header value is bytes).
    expect(decodeURIComponent(res.user)).toBe(name);
    expect(res.body).toContain(JSON.stringify(name).slice(1, -1));
    expect(sandbox.requestLog.at(-1)?.ranAs).toBe(name);
  });

  it('refuses bytes that are not UTF-8 (no latin1 fallback that could match josé)', async () => {
    sandbox = await product.start({ identitySecret: SECRET });
    addUser(sandbox, 'josé');
    const res = await getAs(sandbox, product.whoAmIPath, Buffer.from([0x6a, 0x6f, 0x73, 0xe9]));
    expect(res.status).toBe(401);
    expect(sandbox.requestLog.at(-1)?.ranAs).toBeNull();
  });
});
