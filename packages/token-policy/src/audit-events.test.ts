import { describe, expect, test } from 'vitest';
import {
  allTokensDeleted,
  failedLoginsReset,
  settingsChanged,
  tokenCreated,
  tokenDeleted,
  type AuditEvent,
  type AuditEventType,
} from './audit-events.js';
import { TokenPolicyError } from './errors.js';
import { defaultSettings, diffSettings } from './settings.js';

const at = new Date('2024-05-17T09:15:00.000Z');
const common = { at, clientAddress: '10.0.0.7' };

describe('constructors', () => {
  test('token.created on behalf of another user', () => {
    expect(
      tokenCreated({
        ...common,
        id: 'evt-1',
        actor: { username: 'admin', key: 'JIRAUSER10000' },
        subject: 'alice',
        token: { id: 'Ab12Cd34Ef56', name: 'ci', expiresAt: new Date('2025-05-17T09:15:00.000Z') },
      }),
    ).toEqual({
      id: 'evt-1',
      type: 'token.created',
      at: '2024-05-17T09:15:00.000Z',
      actor: { username: 'admin', key: 'JIRAUSER10000' },
      subject: 'alice',
      onBehalf: true,
      clientAddress: '10.0.0.7',
      token: { id: 'Ab12Cd34Ef56', name: 'ci', expiresAt: '2025-05-17T09:15:00.000Z' },
    });
  });

  test('token.deleted by the owner (case-insensitively) is not on behalf', () => {
    const event = tokenDeleted({
      ...common,
      id: 'evt-2',
      actor: { username: 'Alice' },
      subject: 'alice',
      token: { id: 'Ab12Cd34Ef56', name: 'ci', expiresAt: null },
    });
    expect(event).toMatchObject({ type: 'token.deleted', onBehalf: false, token: { expiresAt: null } });
    expect(event.actor).toEqual({ username: 'Alice' });
  });

  test('token.deleted_all counts the tokens', () => {
    expect(
      allTokensDeleted({
        ...common,
        id: 'evt-3',
        actor: { username: 'admin' },
        subject: 'alice',
        tokenIds: ['a', 'b'],
      }),
    ).toMatchObject({ type: 'token.deleted_all', count: 2, tokenIds: ['a', 'b'], onBehalf: true });
  });

  test('settings.changed: one event per changed field, subject null', () => {
    const before = defaultSettings();
    const after = { ...before, maxValidity: '1y' as const, ipAllowList: ['10.0.0.0/8'] };
    const events = diffSettings(before, after).map((change, i) =>
      settingsChanged({ ...common, id: `evt-${i}`, actor: { username: 'admin' }, change }),
    );
    expect(events).toEqual([
      expect.objectContaining({
        type: 'settings.changed',
        subject: null,
        onBehalf: false,
        change: { field: 'maxValidity', before: 'never', after: '1y' },
      }),
      expect.objectContaining({ change: { field: 'ipAllowList', before: [], after: ['10.0.0.0/8'] } }),
    ]);
  });

  test.each<[string, string | null]>([
    ['user:alice', 'alice'],
    ['ip:10.0.0.9', null],
  ])('failed_logins.reset of %s has subject %j', (key, subject) => {
    const event = failedLoginsReset({ ...common, id: 'evt-5', actor: { username: 'admin' }, key });
    expect(event).toMatchObject({ type: 'failed_logins.reset', key, subject, onBehalf: subject !== null });
  });

  test('no client address is null', () => {
    const event = failedLoginsReset({
      at,
      clientAddress: null,
      id: 'e',
      actor: { username: 'admin' },
      key: 'ip:1.2.3.4',
    });
    expect(event.clientAddress).toBeNull();
  });
});

describe('safety', () => {
  test('a whole token row passed in leaks neither hash nor secret, and only username/key of the actor', () => {
    const row = {
      id: 'Ab12Cd34Ef56',
      name: 'ci',
      expiresAt: null,
      secretHash: '$2b$10$abcdefghijklmnopqrstuv',
      secret: 'qs0V1cMNyCp4qFlzqbWLW1nG8WVn4D',
      owner: 'alice',
    };
    const actor = { username: 'alice', isAdmin: false, password: 'hunter2' };
    const event = tokenCreated({ ...common, id: 'e', actor, subject: 'alice', token: row });
    const json = JSON.stringify(event);
    expect(json).not.toContain(row.secretHash);
    expect(json).not.toContain(row.secret);
    expect(json).not.toContain('hunter2');
    expect(Object.keys(event.token)).toEqual(['id', 'name', 'expiresAt']);
  });

  test('every event survives a JSON round trip unchanged', () => {
    const events: AuditEvent[] = [
      tokenCreated({
        ...common,
        id: '1',
        actor: { username: 'a' },
        subject: 'b',
        token: { id: 'x', name: 'n', expiresAt: at },
      }),
      tokenDeleted({
        ...common,
        id: '2',
        actor: { username: 'a' },
        subject: 'a',
        token: { id: 'x', name: 'n', expiresAt: null },
      }),
      allTokensDeleted({ ...common, id: '3', actor: { username: 'a' }, subject: 'b', tokenIds: [] }),
      settingsChanged({
        ...common,
        id: '4',
        actor: { username: 'a' },
        change: { field: 'adminOnly', before: false, after: true },
      }),
      failedLoginsReset({ ...common, id: '5', actor: { username: 'a' }, key: 'user:b' }),
    ];
    expect(JSON.parse(JSON.stringify(events))).toEqual(events);
    const types: AuditEventType[] = events.map((event) => event.type);
    expect(types).toEqual([
      'token.created',
      'token.deleted',
      'token.deleted_all',
      'settings.changed',
      'failed_logins.reset',
    ]);
  });

  test.each<[string, () => unknown]>([
    [
      'an invalid time',
      () =>
        failedLoginsReset({
          ...common,
          at: new Date(Number.NaN),
          id: 'e',
          actor: { username: 'a' },
          key: 'k',
        }),
    ],
    ['a missing actor', () => failedLoginsReset({ ...common, id: 'e', actor: undefined as never, key: 'k' })],
    [
      'a numeric id',
      () => failedLoginsReset({ ...common, id: 5 as unknown as string, actor: { username: 'a' }, key: 'k' }),
    ],
    [
      'tokenIds not an array',
      () =>
        allTokensDeleted({
          ...common,
          id: 'e',
          actor: { username: 'a' },
          subject: 'b',
          tokenIds: 'x' as never,
        }),
    ],
  ])('%s is misuse', (_name, call) => {
    expect(call).toThrow(TokenPolicyError);
  });
});
