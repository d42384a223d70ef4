import { describe, expect, test } from 'vitest';
import {
  addressMaxAttempts,
  defaultSettings,
  diffSettings,
  parseSettings,
  settingsSchema,
} from './settings.js';
import type { Settings } from './types.js';

const defaults: Settings = {
  maxValidity: 'never',
  ipAllowList: [],
  passwordBasicAuth: true,
  adminOnly: false,
  failedLogins: { maxAttempts: 10, windowMinutes: 15, lockoutMinutes: 15 },
};

describe('defaults', () => {
  test('an empty body gives the documented defaults', () => {
    expect(settingsSchema.parse({})).toEqual(defaults);
    expect(defaultSettings()).toEqual(defaults);
  });

  test('defaultSettings returns a fresh object every time', () => {
    const first = defaultSettings();
    first.ipAllowList.push('10.0.0.1');
    first.failedLogins.maxAttempts = 3;
    expect(defaultSettings()).toEqual(defaults);
    expect(settingsSchema.parse({})).toEqual(defaults);
  });

  test('a partial failedLogins object keeps the other defaults', () => {
    const parsed = parseSettings({ failedLogins: { maxAttempts: 5 } });
    expect(parsed).toEqual({
      ok: true,
      settings: { ...defaults, failedLogins: { maxAttempts: 5, windowMinutes: 15, lockoutMinutes: 15 } },
    });
  });

  test('a full, valid body comes back as given', () => {
    const body: Settings = {
      maxValidity: '1y',
      ipAllowList: ['10.0.0.0/8', '2001:db8::/32', '192.168.0.1-192.168.0.9'],
      passwordBasicAuth: false,
      adminOnly: true,
      failedLogins: { maxAttempts: 3, windowMinutes: 60, lockoutMinutes: 120 },
    };
    expect(parseSettings(body)).toEqual({ ok: true, settings: body });
  });
});

describe('field errors are keyed by path', () => {
  const bounds: Array<[string, number, string | null]> = [
    ['maxAttempts', 0, 'must be a whole number from 1 to 1000'],
    ['maxAttempts', 1, null],
    ['maxAttempts', 1000, null],
    ['maxAttempts', 1001, 'must be a whole number from 1 to 1000'],
    ['maxAttempts', 2.5, 'must be a whole number from 1 to 1000'],
    ['maxAttempts', -1, 'must be a whole number from 1 to 1000'],
    ['windowMinutes', 0, 'must be a whole number from 1 to 1440'],
    ['windowMinutes', 1, null],
    ['windowMinutes', 1440, null],
    ['windowMinutes', 1441, 'must be a whole number from 1 to 1440'],
    ['lockoutMinutes', 0, 'must be a whole number from 1 to 10080'],
    ['lockoutMinutes', 1, null],
    ['lockoutMinutes', 10_080, null],
    ['lockoutMinutes', 10_081, 'must be a whole number from 1 to 10080'],
  ];
  test.each(bounds)('failedLogins.%s = %d', (field, value, message) => {
    const parsed = parseSettings({ failedLogins: { [field]: value } });
    if (message === null) expect(parsed.ok).toBe(true);
    else expect(parsed).toEqual({ ok: false, errors: { [`failedLogins.${field}`]: message } });
  });

  test.each<[string, unknown, Record<string, string | RegExp>]>([
    ['an unknown validity', { maxValidity: '3y' }, { maxValidity: 'must be one of 6m, 1y, 2y, never' }],
    [
      'a string for a number',
      { failedLogins: { maxAttempts: '10' } },
      { 'failedLogins.maxAttempts': /whole number/ },
    ],
    ['a string for a boolean', { adminOnly: 'true' }, { adminOnly: 'must be true or false' }],
    ['null for a boolean', { passwordBasicAuth: null }, { passwordBasicAuth: 'must be true or false' }],
    [
      'a string for the allow-list',
      { ipAllowList: '10.0.0.1' },
      { ipAllowList: 'must be a list of strings' },
    ],
    ['a number in the allow-list', { ipAllowList: ['10.0.0.1', 7] }, { 'ipAllowList.1': 'must be a string' }],
    [
      'invalid allow-list entries',
      { ipAllowList: ['10.0.0.1', '010.0.0.1', '2001:db8::/64', '1.2.3.4/24'] },
      { 'ipAllowList.1': /leading zeros/, 'ipAllowList.3': /1\.2\.3\.0\/24/ },
    ],
    ['an unknown top-level key', { maxValidity: '1y', colour: 'red' }, { colour: 'is not a known setting' }],
    [
      'an unknown nested key',
      { failedLogins: { maxAttempts: 3, attempts: 3 } },
      { 'failedLogins.attempts': 'is not a known setting' },
    ],
    ['null', null, { settings: 'settings must be a JSON object' }],
    ['an array', [], { settings: 'settings must be a JSON object' }],
    ['a string', 'maxValidity=1y', { settings: 'settings must be a JSON object' }],
    ['failedLogins not an object', { failedLogins: 5 }, { failedLogins: /must be an object/ }],
  ])('%s', (_name, input, expected) => {
    const parsed = parseSettings(input);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(Object.keys(parsed.errors).sort()).toEqual(Object.keys(expected).sort());
    for (const [key, message] of Object.entries(expected)) expect(parsed.errors[key]).toMatch(message);
  });

  test('at most 10,000 allow-list entries', () => {
    const entries = (n: number) => Array.from({ length: n }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.1`);
    expect(parseSettings({ ipAllowList: entries(10_000) }).ok).toBe(true);
    expect(parseSettings({ ipAllowList: entries(10_001) })).toEqual({
      ok: false,
      errors: { ipAllowList: 'must not have more than 10,000 entries' },
    });
  });
});

describe('diffSettings', () => {
  const base = defaultSettings();

  test('no change, no entries', () => {
    expect(diffSettings(base, defaultSettings())).toEqual([]);
  });

  test.each<[string, Partial<Settings>, ReturnType<typeof diffSettings>]>([
    ['maxValidity', { maxValidity: '1y' }, [{ field: 'maxValidity', before: 'never', after: '1y' }]],
    [
      'ipAllowList',
      { ipAllowList: ['10.0.0.1'] },
      [{ field: 'ipAllowList', before: [], after: ['10.0.0.1'] }],
    ],
    [
      'passwordBasicAuth',
      { passwordBasicAuth: false },
      [{ field: 'passwordBasicAuth', before: true, after: false }],
    ],
    ['adminOnly', { adminOnly: true }, [{ field: 'adminOnly', before: false, after: true }]],
    [
      'failedLogins.lockoutMinutes',
      { failedLogins: { maxAttempts: 10, windowMinutes: 15, lockoutMinutes: 60 } },
      [{ field: 'failedLogins.lockoutMinutes', before: 15, after: 60 }],
    ],
  ])('%s', (_name, change, expected) => {
    expect(diffSettings(base, { ...base, ...change })).toEqual(expected);
  });

  test('several fields, in a fixed order', () => {
    const after: Settings = {
      maxValidity: '6m',
      ipAllowList: ['10.0.0.1'],
      passwordBasicAuth: false,
      adminOnly: true,
      failedLogins: { maxAttempts: 3, windowMinutes: 5, lockoutMinutes: 60 },
    };
    expect(diffSettings(base, after).map((change) => change.field)).toEqual([
      'maxValidity',
      'ipAllowList',
      'passwordBasicAuth',
      'adminOnly',
      'failedLogins.maxAttempts',
      'failedLogins.windowMinutes',
      'failedLogins.lockoutMinutes',
    ]);
  });

  test('a reordered allow-list is a change; the values are copies', () => {
    const before = { ...base, ipAllowList: ['10.0.0.1', '10.0.0.2'] };
    const after = { ...base, ipAllowList: ['10.0.0.2', '10.0.0.1'] };
    const [change] = diffSettings(before, after);
    expect(change).toEqual({
      field: 'ipAllowList',
      before: ['10.0.0.1', '10.0.0.2'],
      after: ['10.0.0.2', '10.0.0.1'],
    });
    before.ipAllowList.push('10.0.0.3');
    expect(change?.before).toEqual(['10.0.0.1', '10.0.0.2']);
  });
});

describe('failedLogins.maxAttemptsPerAddress (issue 20 item 3)', () => {
  test('settings saved by an earlier release (no such field) load, with the automatic threshold', () => {
    const saved = { ...defaults, failedLogins: { maxAttempts: 5, windowMinutes: 15, lockoutMinutes: 15 } };
    const parsed = settingsSchema.parse(JSON.parse(JSON.stringify(saved)));
    expect(parsed).toEqual(saved);
    expect(parsed.failedLogins).not.toHaveProperty('maxAttemptsPerAddress');
    expect(addressMaxAttempts(parsed.failedLogins)).toBe(50);
  });

  test('an explicit value is kept; null goes back to automatic', () => {
    const explicit = parseSettings({ failedLogins: { maxAttempts: 5, maxAttemptsPerAddress: 500 } });
    expect(explicit).toMatchObject({ ok: true, settings: { failedLogins: { maxAttemptsPerAddress: 500 } } });
    const automatic = parseSettings({ failedLogins: { maxAttempts: 5, maxAttemptsPerAddress: null } });
    expect(automatic.ok && automatic.settings.failedLogins).toEqual({
      maxAttempts: 5,
      windowMinutes: 15,
      lockoutMinutes: 15,
    });
  });

  test.each<[unknown, string | null]>([
    [1000, null],
    [100_000, null],
    [100_001, 'must be a whole number from 1 to 100000, or null for automatic'],
    [0, 'must be a whole number from 1 to 100000, or null for automatic'],
    [12.5, 'must be a whole number from 1 to 100000, or null for automatic'],
    ['100', 'must be a whole number from 1 to 100000, or null for automatic'],
    [9, 'must be at least maxAttempts (10): an address is shared by several users'],
    [10, null],
  ])('maxAttemptsPerAddress %j', (value, message) => {
    const parsed = parseSettings({ failedLogins: { maxAttempts: 10, maxAttemptsPerAddress: value } });
    if (message === null) expect(parsed.ok).toBe(true);
    else expect(parsed).toEqual({ ok: false, errors: { 'failedLogins.maxAttemptsPerAddress': message } });
  });

  test.each<[Settings['failedLogins'], number]>([
    [{ maxAttempts: 10, windowMinutes: 15, lockoutMinutes: 15 }, 100],
    [{ maxAttempts: 1, windowMinutes: 15, lockoutMinutes: 15 }, 10],
    [{ maxAttempts: 1000, windowMinutes: 15, lockoutMinutes: 15 }, 10_000],
    [{ maxAttempts: 10, windowMinutes: 15, lockoutMinutes: 15, maxAttemptsPerAddress: 25 }, 25],
    // Stored data is validated, but the helper never lets an address lock before its user anyway.
    [{ maxAttempts: 10, windowMinutes: 15, lockoutMinutes: 15, maxAttemptsPerAddress: 3 }, 10],
  ])('addressMaxAttempts(%j) = %d', (failedLogins, expected) => {
    expect(addressMaxAttempts(failedLogins)).toBe(expected);
  });

  test('the audit diff records the threshold in force when it is set on either side', () => {
    const base = defaultSettings();
    const withAddress = (value: number | undefined, maxAttempts = 10): Settings => ({
      ...base,
      failedLogins: {
        ...base.failedLogins,
        maxAttempts,
        ...(value === undefined ? {} : { maxAttemptsPerAddress: value }),
      },
    });
    expect(diffSettings(withAddress(undefined), withAddress(500))).toEqual([
      { field: 'failedLogins.maxAttemptsPerAddress', before: 100, after: 500 },
    ]);
    expect(diffSettings(withAddress(500), withAddress(undefined))).toEqual([
      { field: 'failedLogins.maxAttemptsPerAddress', before: 500, after: 100 },
    ]);
    // Only the automatic value moves: the maxAttempts change says it all.
    expect(diffSettings(withAddress(undefined), withAddress(undefined, 20))).toEqual([
      { field: 'failedLogins.maxAttempts', before: 10, after: 20 },
    ]);
    // Explicit → automatic with the same threshold in force: nothing changes for anyone.
    expect(diffSettings(withAddress(100), withAddress(undefined))).toEqual([]);
  });
});
