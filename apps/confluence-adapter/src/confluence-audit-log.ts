/**
 * Confluence's product audit sink: the legacy `POST /rest/api/audit` (DESIGN §4), used while the
 * product answers it and skipped when it answers 404/405.
 */
import { postAuditRecord } from '@api-token-auth/product-port';
import type {
  ProductAuditDelivery,
  ProductAuditRecord,
  ProductHttpClient,
} from '@api-token-auth/product-port';
import { LRUCache } from 'lru-cache';

/** Category under which every record appears in Confluence's audit log. */
export const CONFLUENCE_AUDIT_CATEGORY = 'API Token Authentication';

/** Confluence stores the summary in a 255-character column. */
const MAX_SUMMARY_LENGTH = 255;

/** How long a 404/405 is believed before the endpoint is tried again (an upgrade, a plugin enabled). */
const UNSUPPORTED_TTL_MS = 60 * 60 * 1000;

/** Event types that are system administration; Confluence shows those to system administrators. */
const SYSADMIN_TYPES: ReadonlySet<string> = new Set(['settings.changed', 'failed_logins.reset']);

/** The JSON body of Confluence's legacy `POST /rest/api/audit` (DESIGN §4). */
export interface ConfluenceAuditRecordBody {
  author: { type: 'user'; username: string };
  remoteAddress?: string;
  /** Epoch milliseconds. */
  creationDate: number;
  summary: string;
  description: string;
  category: string;
  sysAdmin: boolean;
  affectedObject: { name: string; objectType: string };
  changedValues: Array<{ name: string; oldValue: string; newValue: string }>;
  associatedObjects: Array<{ name: string; objectType: string }>;
}

/**
 * Builds the legacy audit body. The event id goes into the description, so a record the outbox
 * delivered twice is recognisable as a duplicate.
 *
 * @example
 * ```ts
 * toConfluenceAuditRecord(record).description; // 'API Token Authentication event token.created, id 01J…'
 * ```
 */
export function toConfluenceAuditRecord(record: ProductAuditRecord): ConfluenceAuditRecordBody {
  const subject = record.subject === null ? [] : [{ name: record.subject, objectType: 'User' }];
  const affectedObject =
    record.object !== null
      ? { name: record.object.name, objectType: record.object.typeName }
      : (subject[0] ?? { name: CONFLUENCE_AUDIT_CATEGORY, objectType: 'Settings' });
  return {
    author: { type: 'user', username: record.actor },
    ...(record.clientAddress === null ? {} : { remoteAddress: record.clientAddress }),
    creationDate: record.createdAt.getTime(),
    summary:
      record.summary.length > MAX_SUMMARY_LENGTH
        ? `${record.summary.slice(0, MAX_SUMMARY_LENGTH - 1)}…`
        : record.summary,
    description: `${CONFLUENCE_AUDIT_CATEGORY} event ${record.type}, id ${record.eventId}`,
    category: CONFLUENCE_AUDIT_CATEGORY,
    sysAdmin: record.onBehalf || SYSADMIN_TYPES.has(record.type),
    affectedObject,
    changedValues: record.changedValues.map((change) => ({
      name: change.field,
      oldValue: change.from,
      newValue: change.to,
    })),
    associatedObjects: subject,
  };
}

/**
 * Creates `deliverAudit` for Confluence: 2xx → `delivered`; 404/405 → `unsupported`, remembered for
 * an hour so records do not each probe a missing endpoint; anything else throws (5xx, timeouts and an
 * unreachable product are transient; a 401/403 means the service account lacks the admin rights the
 * endpoint needs) and the outbox retries.
 *
 * @example
 * ```ts
 * const deliverAudit = createConfluenceAuditLog(client);
 * await deliverAudit(record); // 'delivered' or 'unsupported'
 * ```
 */
export function createConfluenceAuditLog(
  client: ProductHttpClient,
): (record: ProductAuditRecord) => Promise<ProductAuditDelivery> {
  const unsupported = new LRUCache<'sink', true>({ max: 1, ttl: UNSUPPORTED_TTL_MS });

  return async function deliverAudit(record) {
    if (unsupported.get('sink') === true) return 'unsupported';
    const delivery = await postAuditRecord(client, '/rest/api/audit', toConfluenceAuditRecord(record));
    if (delivery === 'unsupported') unsupported.set('sink', true);
    return delivery;
  };
}
