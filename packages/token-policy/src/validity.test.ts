import { describe, expect, test } from 'vitest';
import { TokenPolicyError } from './errors.js';
import type { Validity } from './types.js';
import {
  VALIDITIES,
  effectiveExpiry,
  expiresAt,
  isExpired,
  resolveValidity,
  validityChoices,
} from './validity.js';

const d = (iso: string) => new Date(iso);

describe('validityChoices — the seed admin guide, word for word', () => {
  test.each<[string, Validity, Validity[]]>([
    ['System Wide Setting is 6 month - users can select 6 month only, nothing else', '6m', ['6m']],
    ['System Wide Setting is 1 year - users can select 1 year or 6 month, nothing else', '1y', ['6m', '1y']],
    [
      'System Wide Setting is 2 years - users can select 2 years, 1 year or 6 month, nothing else',
      '2y',
      ['6m', '1y', '2y'],
    ],
    [
      'System Wide Setting is Never - users can select any validity time from the select list',
      'never',
      ['6m', '1y', '2y', 'never'],
    ],
  ])('%s', (_example, ceiling, choices) => {
    expect(validityChoices(ceiling)).toEqual(choices);
  });

  test('the options, shortest first', () => {
    expect(VALIDITIES).toEqual(['6m', '1y', '2y', 'never']);
  });

  test('an unknown ceiling is misuse', () => {
    expect(() => validityChoices('3y' as Validity)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

describe('resolveValidity', () => {
  const table: Array<[string | undefined, Validity, ReturnType<typeof resolveValidity>]> = [
    [undefined, '6m', { ok: true, validity: '6m' }],
    [undefined, '1y', { ok: true, validity: '1y' }],
    [undefined, '2y', { ok: true, validity: '2y' }],
    [undefined, 'never', { ok: true, validity: 'never' }],
    ['6m', '6m', { ok: true, validity: '6m' }],
    ['1y', '6m', { ok: false, code: 'VALIDITY_ABOVE_CEILING', allowed: ['6m'] }],
    ['never', '6m', { ok: false, code: 'VALIDITY_ABOVE_CEILING', allowed: ['6m'] }],
    ['6m', '1y', { ok: true, validity: '6m' }],
    ['1y', '1y', { ok: true, validity: '1y' }],
    ['2y', '1y', { ok: false, code: 'VALIDITY_ABOVE_CEILING', allowed: ['6m', '1y'] }],
    ['2y', '2y', { ok: true, validity: '2y' }],
    ['never', '2y', { ok: false, code: 'VALIDITY_ABOVE_CEILING', allowed: ['6m', '1y', '2y'] }],
    ['never', 'never', { ok: true, validity: 'never' }],
    ['1y', 'never', { ok: true, validity: '1y' }],
    ['forever', 'never', { ok: false, code: 'UNKNOWN_VALIDITY', allowed: ['6m', '1y', '2y', 'never'] }],
    ['', '1y', { ok: false, code: 'UNKNOWN_VALIDITY', allowed: ['6m', '1y'] }],
    ['1Y', '1y', { ok: false, code: 'UNKNOWN_VALIDITY', allowed: ['6m', '1y'] }],
  ];
  test.each(table)('requested %s under ceiling %s', (requested, ceiling, expected) => {
    expect(resolveValidity(requested, ceiling)).toEqual(expected);
  });
});

describe('expiresAt — UTC calendar months, month ends clamped', () => {
  test.each<[string, Validity, string | null]>([
    ['2023-08-31T10:00:00.000Z', '6m', '2024-02-29T10:00:00.000Z'],
    ['2022-08-31T10:00:00.000Z', '6m', '2023-02-28T10:00:00.000Z'],
    ['2023-03-31T00:00:00.000Z', '6m', '2023-09-30T00:00:00.000Z'],
    ['2023-01-31T12:34:56.789Z', '6m', '2023-07-31T12:34:56.789Z'],
    ['2024-02-29T08:00:00.000Z', '1y', '2025-02-28T08:00:00.000Z'],
    ['2024-02-29T08:00:00.000Z', '2y', '2026-02-28T08:00:00.000Z'],
    ['2024-02-28T08:00:00.000Z', '1y', '2025-02-28T08:00:00.000Z'],
    ['2023-07-15T00:00:00.000Z', '2y', '2025-07-15T00:00:00.000Z'],
    // 23:30 UTC on 31 Dec is already 1 Jan in Auckland: local-time arithmetic would give 1 Jul.
    ['2023-12-31T23:30:00.000Z', '6m', '2024-06-30T23:30:00.000Z'],
    // New York's DST change (10 Mar 2024) must not shift the hour.
    ['2023-09-10T06:30:00.000Z', '6m', '2024-03-10T06:30:00.000Z'],
    ['2023-11-05T06:30:00.000Z', '1y', '2024-11-05T06:30:00.000Z'],
    ['2023-07-31T00:00:00.000Z', '6m', '2024-01-31T00:00:00.000Z'],
    ['0050-08-31T00:00:00.000Z', '6m', '0051-02-28T00:00:00.000Z'],
    ['2024-05-17T09:00:00.000Z', 'never', null],
  ])('%s + %s = %s', (createdAt, validity, expected) => {
    const result = expiresAt(d(createdAt), validity);
    expect(result === null ? null : result.toISOString()).toBe(expected);
  });

  test('does not mutate its argument', () => {
    const createdAt = d('2023-08-31T10:00:00.000Z');
    expiresAt(createdAt, '2y');
    expect(createdAt.toISOString()).toBe('2023-08-31T10:00:00.000Z');
  });

  test.each<[string, unknown, unknown, string]>([
    ['an invalid Date', new Date(Number.NaN), '1y', 'INVALID_DATE'],
    ['a string', '2024-01-01', '1y', 'INVALID_ARGUMENT'],
    ['an unknown validity', d('2024-01-01T00:00:00Z'), '5y', 'INVALID_ARGUMENT'],
    ['a result beyond the Date range', d('+275760-06-01T00:00:00Z'), '2y', 'INVALID_DATE'],
  ])('%s is misuse', (_name, createdAt, validity, code) => {
    let thrown: unknown;
    try {
      expiresAt(createdAt as Date, validity as Validity);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TokenPolicyError);
    expect(thrown).toBeInstanceOf(TypeError);
    expect(thrown).toMatchObject({ code });
  });
});

describe('effectiveExpiry — the earlier of the stored expiry and creation + the current ceiling', () => {
  const createdAt = d('2024-01-15T00:00:00.000Z');
  test.each<[string, Date | null, Validity, string | null]>([
    ['never-expiring token under no ceiling', null, 'never', null],
    ['never-expiring token after the ceiling was lowered to 6m', null, '6m', '2024-07-15T00:00:00.000Z'],
    [
      '2y token after the ceiling was lowered to 1y',
      d('2026-01-15T00:00:00.000Z'),
      '1y',
      '2025-01-15T00:00:00.000Z',
    ],
    [
      '6m token after the ceiling was raised to never',
      d('2024-07-15T00:00:00.000Z'),
      'never',
      '2024-07-15T00:00:00.000Z',
    ],
    ['1y token under a 2y ceiling', d('2025-01-15T00:00:00.000Z'), '2y', '2025-01-15T00:00:00.000Z'],
    ['equal stored and capped expiry', d('2024-07-15T00:00:00.000Z'), '6m', '2024-07-15T00:00:00.000Z'],
  ])('%s', (_name, stored, ceiling, expected) => {
    const result = effectiveExpiry({ createdAt, expiresAt: stored }, ceiling);
    expect(result === null ? null : result.toISOString()).toBe(expected);
  });
});

describe('isExpired — now >= expiry is expired', () => {
  const token = { createdAt: d('2024-01-15T00:00:00.000Z'), expiresAt: d('2024-07-15T00:00:00.000Z') };
  test.each<[string, Validity, boolean]>([
    ['2024-07-14T23:59:59.999Z', 'never', false],
    ['2024-07-15T00:00:00.000Z', 'never', true],
    ['2024-07-15T00:00:00.001Z', 'never', true],
    ['2024-01-15T00:00:00.000Z', 'never', false],
  ])('at %s (ceiling %s) → %s', (now, ceiling, expected) => {
    expect(isExpired(token, ceiling, d(now))).toBe(expected);
  });

  test('lowering the ceiling expires an existing never-expiring token', () => {
    const forever = { createdAt: d('2024-01-15T00:00:00.000Z'), expiresAt: null };
    const now = d('2024-07-15T00:00:00.000Z');
    expect(isExpired(forever, 'never', now)).toBe(false);
    expect(isExpired(forever, '1y', now)).toBe(false);
    expect(isExpired(forever, '6m', now)).toBe(true);
    expect(isExpired(forever, '6m', d('2024-07-14T23:59:59.999Z'))).toBe(false);
  });

  test('an invalid now is misuse', () => {
    expect(() => isExpired(token, 'never', new Date(Number.NaN))).toThrow(TokenPolicyError);
  });
});
