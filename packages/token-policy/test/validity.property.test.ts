/**
 * Property: `expiresAt` agrees with a reference month arithmetic done on the ISO text of the date
 * (year, month, day counted by hand, month lengths from the Gregorian rules) — in any server TZ.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { expiresAt, type Validity } from '../src/index.js';

const MONTHS = { '6m': 6, '1y': 12, '2y': 24 } as const;
const pad = (value: number, width: number) => String(value).padStart(width, '0');

function referenceExpiry(createdAt: Date, months: number): Date {
  const iso = createdAt.toISOString();
  let year = Number(iso.slice(0, 4));
  let month = Number(iso.slice(5, 7));
  const day = Number(iso.slice(8, 10));
  for (let i = 0; i < months; i++) {
    month += 1;
    if (month === 13) {
      month = 1;
      year += 1;
    }
  }
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  const clamped = Math.min(day, lengths[month - 1] as number);
  return new Date(`${pad(year, 4)}-${pad(month, 2)}-${pad(clamped, 2)}${iso.slice(10)}`);
}

describe('expiresAt against a reference month arithmetic', () => {
  test('random dates and validities', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00.000Z'),
          max: new Date('9990-12-31T23:59:59.999Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom<Exclude<Validity, 'never'>>('6m', '1y', '2y'),
        (createdAt, validity) => {
          const expected = referenceExpiry(createdAt, MONTHS[validity]);
          expect(expiresAt(createdAt, validity)?.toISOString()).toBe(expected.toISOString());
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('month ends and leap days', () => {
    const monthEnd = fc
      .tuple(
        fc.integer({ min: 1970, max: 2400 }),
        fc.integer({ min: 0, max: 11 }),
        fc.integer({ min: 28, max: 31 }),
      )
      .map(([year, month, day]) => new Date(Date.UTC(year, month, day, 23, 59, 59, 999)));
    fc.assert(
      fc.property(
        monthEnd,
        fc.constantFrom<Exclude<Validity, 'never'>>('6m', '1y', '2y'),
        (createdAt, validity) => {
          expect(expiresAt(createdAt, validity)?.toISOString()).toBe(
            referenceExpiry(createdAt, MONTHS[validity]).toISOString(),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});
