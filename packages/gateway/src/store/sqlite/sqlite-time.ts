import { StoreError } from '../store-error.js';

/** Epoch milliseconds of `date`; throws `STORE_INVALID_INPUT` for anything but a valid `Date`. */
export function toMs(date: Date, what: string): number {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new StoreError('STORE_INVALID_INPUT', `${what} must be a valid Date`);
  }
  return date.getTime();
}

/** {@link toMs} that passes `null` through. */
export function toMsOrNull(date: Date | null, what: string): number | null {
  return date === null ? null : toMs(date, what);
}

/** A stored epoch-milliseconds column as a `Date`. */
export function fromMs(ms: number): Date {
  return new Date(ms);
}

/** {@link fromMs} that passes `null` through. */
export function fromMsOrNull(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}
