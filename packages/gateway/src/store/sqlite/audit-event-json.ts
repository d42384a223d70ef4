import type { AuditEvent } from '@api-token-auth/token-policy';
import { StoreError } from '../store-error.js';

/**
 * A stored audit event. The JSON was written by `JSON.stringify` of a typed event in the same
 * transaction as its columns; a row that does not parse back is corruption, reported as such.
 */
export function parseStoredEvent(json: string, seq: number, dbPath: string): AuditEvent {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new StoreError(
      'STORE_CORRUPT',
      `Audit record ${seq} of the database "${dbPath}" is not valid JSON`,
      {
        cause: error,
      },
    );
  }
  if (typeof value !== 'object' || value === null || typeof (value as { id?: unknown }).id !== 'string') {
    throw new StoreError(
      'STORE_CORRUPT',
      `Audit record ${seq} of the database "${dbPath}" is not an audit event`,
    );
  }
  return value as AuditEvent;
}
