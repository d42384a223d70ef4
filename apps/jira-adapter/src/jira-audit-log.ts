/**
 * Jira's product audit sink. DESIGN §4: the legacy `POST /rest/api/2/auditing/record` exists up to
 * Jira 9.x and was removed in Jira 10, so the sink is chosen from `GET /rest/api/2/serverInfo`.
 */
import { postAuditRecord } from '@api-token-auth/product-port';
import type {
  ProductAuditDelivery,
  ProductAuditRecord,
  ProductHttpClient,
  ProductUser,
} from '@api-token-auth/product-port';
import { LRUCache } from 'lru-cache';
import { jiraServerInfoSchema } from './schemas.js';

/** Category under which every record appears in Jira's audit log. */
export const JIRA_AUDIT_CATEGORY = 'API Token Authentication';

/** Jira stores the summary in a 255-character column. */
const MAX_SUMMARY_LENGTH = 255;

/**
 * How long the sink decision is kept: long enough that records do not each cost a `serverInfo` call,
 * short enough that an upgrade to Jira 10 (or a downgrade) is noticed without a restart.
 */
const SINK_DECISION_TTL_MS = 60 * 60 * 1000;

type Sink = 'legacy' | 'none';

/** The JSON body of Jira's legacy `POST /rest/api/2/auditing/record` (DESIGN §4). */
export interface JiraAuditRecordBody {
  summary: string;
  category: string;
  objectItem?: { id: string; name: string; typeName: string };
  changedValues: Array<{ fieldName: string; changedFrom: string; changedTo: string }>;
  associatedItems: Array<{ id: string; name: string; typeName: 'USER' }>;
  remoteAddress?: string;
  authorKey?: string;
}

/**
 * Builds the legacy audit body. The event id goes into the summary, so a record the outbox delivered
 * twice (a crash between Jira's 201 and the outbox's bookkeeping) is recognisable as a duplicate.
 *
 * @example
 * ```ts
 * toJiraAuditRecord(record, 'JIRAUSER10000').summary; // 'API token "ci" created … [event 01J…]'
 * ```
 */
export function toJiraAuditRecord(record: ProductAuditRecord, authorKey?: string): JiraAuditRecordBody {
  const suffix = ` [event ${record.eventId}]`;
  const room = MAX_SUMMARY_LENGTH - suffix.length;
  const summary =
    (record.summary.length > room ? `${record.summary.slice(0, room - 1)}…` : record.summary) + suffix;
  return {
    summary,
    category: JIRA_AUDIT_CATEGORY,
    ...(record.object === null
      ? {}
      : { objectItem: { id: record.object.id, name: record.object.name, typeName: record.object.typeName } }),
    changedValues: record.changedValues.map((change) => ({
      fieldName: change.field,
      changedFrom: change.from,
      changedTo: change.to,
    })),
    associatedItems:
      record.subject === null ? [] : [{ id: record.subject, name: record.subject, typeName: 'USER' }],
    ...(record.clientAddress === null ? {} : { remoteAddress: record.clientAddress }),
    ...(authorKey === undefined ? {} : { authorKey }),
  };
}

/** What {@link createJiraAuditLog} needs. */
export interface JiraAuditLogDependencies {
  client: ProductHttpClient;
  /** For the actor's user key (`authorKey`), so Jira shows the actor rather than the service account. */
  lookUpUser(username: string): Promise<ProductUser | null>;
}

/**
 * Creates `deliverAudit` for Jira. The first call asks `serverInfo` for the major version (cached
 * for an hour, concurrent calls share one request): below 10 → the legacy endpoint; 10 or later →
 * `unsupported` without a call. A 404/405 from the legacy endpoint is also `unsupported` (and
 * remembered). Anything transient — 5xx, timeouts, the product unreachable — throws, so the outbox
 * retries; so does a 401/403, which means the service account lacks the admin rights the legacy
 * endpoint needs: the record waits in the outbox until that is fixed.
 *
 * @example
 * ```ts
 * const deliverAudit = createJiraAuditLog({ client, lookUpUser });
 * await deliverAudit(record); // 'delivered' on Jira 9, 'unsupported' on Jira 10
 * ```
 */
export function createJiraAuditLog(
  deps: JiraAuditLogDependencies,
): (record: ProductAuditRecord) => Promise<ProductAuditDelivery> {
  const { client } = deps;
  // One key. `fetch` shares one serverInfo call between concurrent deliveries and caches no failure;
  // `ignoreFetchAbort`: a decision `set` while a call is under way wins, and that call's callers still
  // get its answer instead of an abort error.
  const decisions = new LRUCache<'sink', Sink>({
    max: 1,
    ttl: SINK_DECISION_TTL_MS,
    fetchMethod: chooseSink,
    ignoreFetchAbort: true,
  });

  async function chooseSink(): Promise<Sink> {
    const response = await client.request({ path: '/rest/api/2/serverInfo', auth: 'service' });
    if (response.status !== 200) throw await response.unexpectedStatus();
    const info = await response.json(jiraServerInfoSchema);
    const major = info.versionNumbers?.[0] ?? Number.parseInt(info.version ?? '', 10);
    // An unknown version: try the legacy endpoint and let its 404/405 decide.
    return Number.isFinite(major) && major >= 10 ? 'none' : 'legacy';
  }

  return async function deliverAudit(record) {
    const sink = await decisions.fetch('sink');
    if (sink === 'none') return 'unsupported';
    const author = await deps.lookUpUser(record.actor);
    const delivery = await postAuditRecord(
      client,
      '/rest/api/2/auditing/record',
      toJiraAuditRecord(record, author?.key),
    );
    if (delivery === 'unsupported') decisions.set('sink', 'none');
    return delivery;
  };
}
