import {
  allTokensDeleted,
  failedLoginsReset,
  settingsChanged,
  tokenCreated,
  tokenDeleted,
  type AuditEvent,
} from '@api-token-auth/token-policy';
import { describe, expect, it } from 'vitest';
import { toProductAuditRecord } from './to-product-record.js';

const at = new Date('2025-03-01T10:00:00.000Z');
const common = (actor: string, subject: string | null) => ({
  id: 'evt-1',
  at,
  actor: { username: actor },
  subject,
  clientAddress: '10.0.0.7',
});
const token = { id: 'Ab12Cd34', name: 'ci', expiresAt: new Date('2026-03-01T10:00:00.000Z') };

describe('toProductAuditRecord', () => {
  it.each<[string, AuditEvent, string, ReturnType<typeof toProductAuditRecord>['object'], Array<object>]>([
    [
      'token created on behalf',
      tokenCreated({ ...common('admin', 'alice'), token }),
      'API token "ci" created for alice by admin (on behalf)',
      { id: 'Ab12Cd34', name: 'ci', typeName: 'API token' },
      [{ field: 'expiresAt', from: '', to: '2026-03-01T10:00:00.000Z' }],
    ],
    [
      'token created by the owner, never expiring',
      tokenCreated({ ...common('alice', 'alice'), token: { ...token, expiresAt: null } }),
      'API token "ci" created by alice',
      { id: 'Ab12Cd34', name: 'ci', typeName: 'API token' },
      [{ field: 'expiresAt', from: '', to: 'never' }],
    ],
    [
      'token deleted on behalf',
      tokenDeleted({ ...common('admin', 'alice'), token }),
      'API token "ci" of alice deleted by admin (on behalf)',
      { id: 'Ab12Cd34', name: 'ci', typeName: 'API token' },
      [],
    ],
    [
      'token deleted by the owner',
      tokenDeleted({ ...common('Alice', 'alice'), token }),
      'API token "ci" deleted by Alice',
      { id: 'Ab12Cd34', name: 'ci', typeName: 'API token' },
      [],
    ],
    [
      'all tokens deleted',
      allTokensDeleted({ ...common('admin', 'alice'), tokenIds: ['a', 'b', 'c'] }),
      'All API tokens of alice deleted by admin (3 tokens, on behalf)',
      { id: 'alice', name: 'alice', typeName: 'User' },
      [{ field: 'tokens', from: '3', to: '0' }],
    ],
    [
      'a settings list changed',
      settingsChanged({
        ...common('admin', null),
        change: { field: 'ipAllowList', before: [], after: ['10.0.0.0/8', '::1'] },
      }),
      'API token setting "ipAllowList" changed by admin',
      { id: 'settings', name: 'API token settings', typeName: 'Settings' },
      [{ field: 'ipAllowList', from: '', to: '10.0.0.0/8, ::1' }],
    ],
    [
      'a nested setting changed',
      settingsChanged({
        ...common('admin', null),
        change: { field: 'failedLogins.maxAttempts', before: 10, after: 5 },
      }),
      'API token setting "failedLogins.maxAttempts" changed by admin',
      { id: 'settings', name: 'API token settings', typeName: 'Settings' },
      [{ field: 'failedLogins.maxAttempts', from: '10', to: '5' }],
    ],
    [
      'a failed-login counter reset',
      failedLoginsReset({ ...common('admin', null), key: 'ip:10.0.0.9' }),
      'Failed-login counter "ip:10.0.0.9" reset by admin',
      { id: 'ip:10.0.0.9', name: 'ip:10.0.0.9', typeName: 'Failed-login counter' },
      [],
    ],
  ])('%s', (_what, event, summary, object, changedValues) => {
    expect(toProductAuditRecord(event)).toEqual({
      eventId: 'evt-1',
      type: event.type,
      summary,
      createdAt: at,
      actor: event.actor.username,
      subject: event.subject,
      onBehalf: event.onBehalf,
      clientAddress: '10.0.0.7',
      changedValues,
      object,
    });
  });

  it('flattens hostile names to one bounded line in the summary', () => {
    const name = `evil\r\nX-Injected: yes\u2028${'x'.repeat(300)}`;
    const record = toProductAuditRecord(
      tokenCreated({ ...common('alice', 'alice'), token: { ...token, name } }),
    );
    expect(record.summary).not.toMatch(/[\r\n\u2028]/);
    expect(record.summary.length).toBeLessThan(160);
    expect(record.object?.name).toBe(name);
  });

  it('copies named fields only: nothing smuggled into an event reaches the product', () => {
    const event = tokenCreated({ ...common('admin', 'alice'), token });
    const smuggled = {
      ...event,
      secretHash: '$2b$10$SECRETHASH',
      token: { ...event.token, secretHash: '$2b$10$SECRETHASH', token: 'ata_SECRET' },
    } as AuditEvent;
    const json = JSON.stringify(toProductAuditRecord(smuggled));
    expect(json).not.toContain('SECRET');
  });
});
