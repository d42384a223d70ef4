/**
 * Issue 20 item 7 over real HTTP: the sandbox Confluence answers the user look-up exactly as Confluence
 * does (UserStatus values, `_expandable.status` when not expanded, 403 without *View User Profiles*), and
 * the Confluence adapter reads it fail-closed.
 */
import { createConfluenceProduct } from '@api-token-auth/confluence-adapter';
import { afterEach, describe, expect, it } from 'vitest';
import { startConfluenceSandbox } from '../src/index.js';
import type { ConfluenceUserStatus, Sandbox } from '../src/index.js';
import { basic } from './products.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(): Promise<Sandbox> {
  sandbox = await startConfluenceSandbox();
  return sandbox;
}

function lookUp(s: Sandbox, query: string, as = 'admin'): Promise<Response> {
  return fetch(`${s.url}/rest/api/user?${query}`, { headers: { authorization: basic(as) } });
}

describe('sandbox Confluence: GET /rest/api/user', () => {
  it.each<[string, (s: Sandbox) => void, ConfluenceUserStatus]>([
    ['an active user', () => undefined, 'current'],
    ['a deactivated user', (s) => (s.users.get('alice')!.active = false), 'deactivated'],
    [
      'a user deleted in the external directory',
      (s) => (s.users.get('alice')!.status = 'externallyDeleted'),
      'externallyDeleted',
    ],
    ['a user without a licence', (s) => (s.users.get('alice')!.status = 'unlicensed'), 'unlicensed'],
  ])('expand=status reports %s as %s', async (_label, arrange, status) => {
    const s = await start();
    arrange(s);
    const res = await lookUp(s, 'username=alice&expand=status');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ type: 'known', username: 'alice', status });
    expect(body._expandable).not.toHaveProperty('status');
  });

  it('without the expansion, status is only listed in _expandable', async () => {
    const s = await start();
    const body = (await (await lookUp(s, 'username=alice')).json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('status');
    expect(body._expandable).toHaveProperty('status', '');
  });

  it('answers 403 "not permitted to view user profiles" to a caller without the permission', async () => {
    const s = await start();
    s.users.get('admin')!.canViewUserProfiles = false;
    const res = await lookUp(s, 'username=alice&expand=status');
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      statusCode: 403,
      data: { authorized: false, valid: true, errors: [], successful: false },
      message:
        'com.atlassian.confluence.api.service.exceptions.api.PermissionException: User not permitted to view user profiles',
      reason: 'Forbidden',
    });
    // Everything else the account may still do.
    expect(
      (await fetch(`${s.url}/rest/api/user/current`, { headers: { authorization: basic('admin') } })).status,
    ).toBe(200);
  });
});

describe('the Confluence adapter against the sandbox', () => {
  function adapter(s: Sandbox, serviceUser = 'admin') {
    return createConfluenceProduct({ baseUrl: s.url, serviceUser, servicePassword: serviceUser });
  }

  it.each<[string, (s: Sandbox) => void, boolean]>([
    ['current', () => undefined, true],
    ['deactivated', (s) => (s.users.get('alice')!.active = false), false],
    ['externallyDeleted', (s) => (s.users.get('alice')!.status = 'externallyDeleted'), false],
    ['unlicensed', (s) => (s.users.get('alice')!.status = 'unlicensed'), false],
  ])('status %s → active %s', async (_label, arrange, active) => {
    const s = await start();
    arrange(s);
    expect(await adapter(s).lookUpUser('alice')).toMatchObject({
      username: 'alice',
      active,
      groups: ['confluence-users'],
    });
  });

  it('an unknown user is null', async () => {
    const s = await start();
    expect(await adapter(s).lookUpUser('nobody')).toBeNull();
  });

  it('a service account without "View User Profiles" is a misconfiguration, said plainly', async () => {
    const s = await start();
    s.users.get('admin')!.canViewUserProfiles = false;
    const error: unknown = await adapter(s)
      .lookUpUser('alice')
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('ProductError');
    expect(error).toMatchObject({ code: 'PRODUCT_SERVICE_ACCOUNT_REJECTED', status: 403 });
    expect((error as Error).message).toMatch(/View User Profiles/);
  });
});
