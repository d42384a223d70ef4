import type { AuditEvent, SettingsValue } from '@api-token-auth/token-policy';
import type { ProductAuditRecord } from '@api-token-auth/product-port';

/** Token names and usernames are user input: one line, bounded, in a summary. */
function inline(text: string, max = 100): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function formatValue(value: SettingsValue): string {
  return Array.isArray(value) ? value.join(', ') : String(value);
}

function onBehalfSuffix(event: AuditEvent): string {
  return event.onBehalf ? ' (on behalf)' : '';
}

/** Who a change was for, in a summary: nothing when the actor acted for themselves. */
function forSubject(event: AuditEvent, preposition: string): string {
  return event.onBehalf && event.subject !== null ? ` ${preposition} ${inline(event.subject)}` : '';
}

type RecordDetails = Pick<ProductAuditRecord, 'summary' | 'changedValues' | 'object'>;

function details(event: AuditEvent): RecordDetails {
  const by = inline(event.actor.username);
  switch (event.type) {
    case 'token.created':
      return {
        summary: `API token "${inline(event.token.name)}" created${forSubject(event, 'for')} by ${by}${onBehalfSuffix(event)}`,
        changedValues: [{ field: 'expiresAt', from: '', to: event.token.expiresAt ?? 'never' }],
        object: { id: event.token.id, name: event.token.name, typeName: 'API token' },
      };
    case 'token.deleted':
      return {
        summary: `API token "${inline(event.token.name)}"${forSubject(event, 'of')} deleted by ${by}${onBehalfSuffix(event)}`,
        changedValues: [],
        object: { id: event.token.id, name: event.token.name, typeName: 'API token' },
      };
    case 'token.deleted_all': {
      const whose = event.subject === null ? '' : ` of ${inline(event.subject)}`;
      const noun = event.count === 1 ? 'token' : 'tokens';
      return {
        summary: `All API tokens${whose} deleted by ${by} (${event.count} ${noun}${event.onBehalf ? ', on behalf' : ''})`,
        changedValues: [{ field: 'tokens', from: String(event.count), to: '0' }],
        object: event.subject === null ? null : { id: event.subject, name: event.subject, typeName: 'User' },
      };
    }
    case 'settings.changed':
      return {
        summary: `API token setting "${event.change.field}" changed by ${by}`,
        changedValues: [
          {
            field: event.change.field,
            from: formatValue(event.change.before),
            to: formatValue(event.change.after),
          },
        ],
        object: { id: 'settings', name: 'API token settings', typeName: 'Settings' },
      };
    case 'failed_logins.reset':
      return {
        summary: `Failed-login counter "${inline(event.key)}" reset by ${by}`,
        changedValues: [],
        object: { id: event.key, name: event.key, typeName: 'Failed-login counter' },
      };
  }
}

/**
 * Translate a gateway audit event into the product-neutral record an adapter writes to the product's
 * audit log. Only named fields are copied — events never hold a token, secret or hash, and nothing
 * unknown is passed through. Usernames and token names are flattened to one bounded line in the
 * summary (they are user input); the object keeps them verbatim.
 *
 * @example
 * ```ts
 * toProductAuditRecord(tokenCreatedEvent).summary;
 * // 'API token "ci" created for alice by admin (on behalf)'
 * ```
 */
export function toProductAuditRecord(event: AuditEvent): ProductAuditRecord {
  return {
    eventId: event.id,
    type: event.type,
    createdAt: new Date(event.at),
    actor: event.actor.username,
    subject: event.subject,
    onBehalf: event.onBehalf,
    clientAddress: event.clientAddress,
    ...details(event),
  };
}
