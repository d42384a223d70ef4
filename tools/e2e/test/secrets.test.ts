/**
 * No secret leaves its place (issue 7 "Secrets"): a condensed run of the scenarios with the adapter's
 * logs captured at debug level, then every log line, every response body (except the one creation
 * response that must show the token), every audit record (local and the product's) and every byte of
 * the database files is searched for issued tokens, their secrets, bcrypt hashes and passwords.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { parseToken } from '@api-token-auth/token-policy';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { anonymous, apiClient, basic, bearer, callProduct, loginCookie } from '../src/client.js';
import type { ApiClient, Credentials } from '../src/client.js';
import { auditViews, expectStatus } from '../src/expectations.js';
import { failedLoginViews, putSettings } from '../src/gateway-state.js';
import type { HttpResponse } from '../src/http.js';
import { PRODUCTS } from '../src/products.js';
import { settledLogs, startStack } from '../src/stack.js';
import type { Stack } from '../src/stack.js';
import type { CreatedToken } from './fixture.js';
import { tokenName } from './fixture.js';
import { forgeToken, typo } from '../src/tokens.js';

const distinct = (label: string) => `${label}-${randomBytes(9).toString('base64url')}`;

describe.each(PRODUCTS)('%s', (product) => {
  const alicePassword = distinct('AlicePw');
  const servicePassword = distinct('ServicePw');
  const wrongPassword = distinct('WrongPw');
  const malformedSecret = distinct('Malformed');
  const identitySecret = distinct('IdentitySecret');
  let stack: Stack;
  /** Every response body that must not contain a secret. */
  const bodies: Array<{ what: string; text: string }> = [];
  const issued: CreatedToken[] = [];
  const hashes = new Set<string>();

  const record = (what: string, res: HttpResponse): HttpResponse => {
    bodies.push({ what: `${what} → ${res.status}`, text: res.text });
    return res;
  };
  /** Wraps a client so that every response body is recorded. */
  const recording = (api: ApiClient, who: string): ApiClient => ({
    get: async (path, options) => record(`${who} GET ${path}`, await api.get(path, options)),
    post: async (path, body, options) => {
      const res = await api.post(path, body, options);
      // The creation response is the one place the plaintext token is shown.
      if (res.status === 201 && typeof (res.json as { token?: unknown }).token === 'string') {
        issued.push(res.json as CreatedToken);
        return res;
      }
      return record(`${who} POST ${path}`, res);
    },
    put: async (path, body, options) => record(`${who} PUT ${path}`, await api.put(path, body, options)),
    delete: async (path, options) => record(`${who} DELETE ${path}`, await api.delete(path, options)),
  });
  const use = async (
    what: string,
    credentials: Credentials,
    options: Parameters<typeof callProduct>[2] = {},
  ) => record(what, await callProduct(stack, credentials, options));

  const snapshotHashes = () => {
    const db = new Database(stack.databasePath, { readonly: true, fileMustExist: true });
    try {
      for (const row of db.prepare('SELECT secret_hash FROM tokens').all() as Array<{
        secret_hash: string;
      }>) {
        hashes.add(row.secret_hash);
      }
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    stack = await startStack({
      product,
      sandbox:
        product === 'jira' ? { version: '9.12.0', identitySecret } : { legacyAudit: true, identitySecret },
      env: { ATA_LOG_LEVEL: 'debug', ATA_SERVICE_PASSWORD: servicePassword },
      prepareSandbox: (sandbox) => {
        const admin = sandbox.users.get('admin');
        const alice = sandbox.users.get('alice');
        if (admin === undefined || alice === undefined) throw new Error('the sandbox lacks admin or alice');
        admin.password = servicePassword;
        alice.password = alicePassword;
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  test('no token, token secret, bcrypt hash or password appears in logs, error bodies, audit records or the database', async () => {
    expect(stack.identitySecret).toBe(identitySecret);
    const secrets = [alicePassword, servicePassword, wrongPassword, malformedSecret, identitySecret];
    const adminCookie = await loginCookie(stack, 'admin', servicePassword);
    const aliceCookie = await loginCookie(stack, 'alice', alicePassword);
    const admin = recording(apiClient(stack, adminCookie), 'admin');
    const alice = recording(apiClient(stack, aliceCookie), 'alice');
    const alicePw = recording(apiClient(stack, basic('alice', alicePassword)), 'alice(pw)');

    await alice.post('/tokens', { name: tokenName('cookie') });
    await alicePw.post('/tokens', { name: tokenName('password') });
    await admin.post('/admin/users/alice/tokens', { name: tokenName('on-behalf') });
    await admin.post('/tokens', { name: tokenName('admin-own') });
    expect(issued).toHaveLength(4);
    snapshotHashes();
    expect(hashes.size).toBe(4);
    const [first, second, third, adminToken] = issued as [
      CreatedToken,
      CreatedToken,
      CreatedToken,
      CreatedToken,
    ];

    await use('basic token', basic('alice', first.token));
    await use('bearer token', bearer(second.token));
    await use('typo', basic('alice', typo(first.token)));
    await use('forged', bearer(forgeToken(first.id)));
    await use('wrong user', basic('admin', first.token));
    await use('wrong password', basic('alice', wrongPassword));
    await use('password', basic('alice', alicePassword));
    await use('malformed', { kind: 'basic', headers: { Authorization: `Basic ${malformedSecret}!!` } });
    await use('malformed no colon', {
      kind: 'basic',
      headers: { Authorization: `Basic ${Buffer.from(malformedSecret).toString('base64')}` },
    });
    await use('password in the query', anonymous, {
      path: `${stack.profile.resourcePath}?os_username=alice&os_password=${alicePassword}`,
    });
    await use('token in the query', anonymous, {
      path: `${stack.profile.resourcePath}?token=${third.token}`,
    });
    await use('spoofed identity', anonymous, {
      rawHeaders: [
        ['X-Forwarded-User', 'admin'],
        ['X-Api-Token-Auth-Secret', identitySecret],
      ],
    });
    await admin.post('/tokens', { name: 'x', validity: 'forever' });
    await admin.put('/admin/settings', { maxValidity: 'never', ipAllowList: ['300.1.1.1'] });

    await putSettings(admin, expectStatus(await admin.get('/admin/settings'), 200), {
      ipAllowList: ['127.0.0.1'],
    });
    await use('refused IP token', bearer(first.token), { from: '127.0.0.2' });
    await use('refused IP password', basic('alice', alicePassword), { from: '127.0.0.2' });
    await putSettings(admin, expectStatus(await admin.get('/admin/settings'), 200), {
      ipAllowList: [],
      passwordBasicAuth: false,
      failedLogins: { maxAttempts: 2, windowMinutes: 10, lockoutMinutes: 5 },
    });
    await use('password while disabled', basic('alice', alicePassword));
    await use('session login while disabled', anonymous, {
      path: stack.profile.sessionPath,
      method: 'POST',
      body: { username: 'alice', password: alicePassword },
    });
    await use('typo while disabled', bearer(typo(third.token)));
    await use('typo while disabled', bearer(typo(third.token)));
    await use('locked out', basic('alice', first.token));
    for (const entry of failedLoginViews(expectStatus(await admin.get('/admin/failed-logins'), 200))) {
      await admin.delete(`/admin/failed-logins/${encodeURIComponent(entry.key)}`);
    }
    await admin.put('/admin/settings', {
      ...expectStatus<object>(await admin.get('/admin/settings'), 200),
      adminOnly: true,
    });
    await use('admin only', bearer(second.token));
    await alice.post('/tokens', { name: tokenName('admin-only') });
    await admin.get('/admin/tokens');
    await alice.get('/tokens');
    await admin.delete(`/admin/tokens/${first.id}`);
    await use('deleted', bearer(first.token));
    await admin.delete('/admin/users/alice/tokens');
    await admin.delete(`/tokens/${adminToken.id}`);
    await alice.delete(`/tokens/${adminToken.id}`);
    await apiClient(stack, anonymous)
      .get('/tokens')
      .then((res) => record('anonymous GET /tokens', res));
    const localAudit = auditViews(expectStatus(await admin.get('/admin/audit?limit=100'), 200));
    expect(localAudit.length).toBeGreaterThanOrEqual(8);
    // The product's audit log received the records (legacy endpoint variants).
    const deadline = Date.now() + 10_000;
    while (stack.sandbox.auditRecords.length < 4 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(stack.sandbox.auditRecords.length).toBeGreaterThanOrEqual(4);

    // Stop the adapter so every log line is flushed and the database is checkpointed.
    await stack.kill('SIGTERM');

    const needles: Array<{ what: string; value: string }> = [];
    for (const created of issued) {
      const parsed = parseToken(created.token);
      if (parsed === null) throw new Error('an issued token does not parse');
      needles.push({ what: `token ${created.name}`, value: created.token });
      needles.push({ what: `secret of ${created.name}`, value: parsed.secret });
    }
    for (const hash of hashes) needles.push({ what: 'bcrypt hash', value: hash });
    for (const secret of secrets) needles.push({ what: 'password or shared secret', value: secret });

    const haystacks: Array<{ where: string; text: string }> = [
      ...(await settledLogs(stack)).map((line, index) => ({ where: `log line ${index}`, text: line })),
      ...bodies.map((body) => ({ where: `response ${body.what}`, text: body.text })),
      ...localAudit.map((entry, index) => ({
        where: `local audit record ${index}`,
        text: JSON.stringify(entry.raw),
      })),
      ...stack.sandbox.auditRecords.map((entry, index) => ({
        where: `product audit record ${index}`,
        text: JSON.stringify(entry),
      })),
    ];
    expect(stack.logs.length).toBeGreaterThan(20);
    const leaks = haystacks.flatMap(({ where, text }) =>
      needles.filter(({ value }) => text.includes(value)).map(({ what }) => `${what} in ${where}`),
    );
    // Any bcrypt-looking string at all is a leak, not just the ones we saw.
    for (const { where, text } of haystacks) {
      if (/\$2[aby]\$\d\d\$/.test(text)) leaks.push(`a bcrypt hash in ${where}`);
    }
    expect(leaks).toEqual([]);

    // The database: no plaintext token or secret in any column, nor anywhere in the files' bytes.
    const db = new Database(stack.databasePath, { readonly: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{
        name: string;
      }>;
      for (const { name } of tables) {
        const rows = db.prepare(`SELECT * FROM "${name}"`).all();
        const text = JSON.stringify(rows);
        for (const { what, value } of needles.filter((needle) => !needle.what.startsWith('bcrypt'))) {
          expect({ table: name, found: text.includes(value) ? what : null }).toEqual({
            table: name,
            found: null,
          });
        }
      }
      // Deleted tokens left no hash behind in the audit tables either.
      const audit = JSON.stringify(db.prepare('SELECT * FROM audit').all());
      expect(audit).not.toMatch(/\$2[aby]\$/);
    } finally {
      db.close();
    }
    const dir = dirname(stack.databasePath);
    for (const file of readdirSync(dir)) {
      const bytes = readFileSync(join(dir, file)).toString('latin1');
      for (const created of issued) {
        const secret = parseToken(created.token)?.secret ?? '';
        expect({ file, token: bytes.includes(created.token), secret: bytes.includes(secret) }).toEqual({
          file,
          token: false,
          secret: false,
        });
      }
    }
  }, 60_000);
});
