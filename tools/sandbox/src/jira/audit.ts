import { z } from 'zod';
import { readJson } from '../http/body.js';
import { sendEmpty, sendJson } from '../http/respond.js';
import type { Route } from '../core/product.js';
import { newestFirst, storeAuditRecord } from '../core/audit-store.js';
import { readPaging } from '../core/paging.js';
import { atlassianTime } from '../core/time.js';
import { fieldErrorsOf } from '../core/validation.js';

// Jackson coerces JSON scalars into the bean's String fields, so numbers and booleans are accepted too.
const scalar = z.union([z.string(), z.number(), z.boolean()]).nullable().optional();
const AssociatedItem = z.looseObject({
  id: scalar,
  name: z.string(),
  typeName: z.string(),
  parentId: scalar,
  parentName: scalar,
});

/** `AuditRecordBean` as Jira up to 9.x accepts it (DESIGN §4). */
const JiraAuditRecordBody = z.looseObject({
  summary: z.string().min(1, 'summary is required'),
  category: z.string().optional(),
  description: z.string().optional(),
  eventSource: z.string().optional(),
  remoteAddress: z.string().optional(),
  authorKey: z.string().optional(),
  objectItem: AssociatedItem.optional(),
  changedValues: z
    .array(z.looseObject({ fieldName: z.string(), changedFrom: scalar, changedTo: scalar }))
    .optional(),
  associatedItems: z.array(AssociatedItem).optional(),
});

/**
 * `POST`/`GET /rest/api/2/auditing/record`: present up to Jira 9.x, removed in Jira 10, where both
 * answer 404 because the routes do not exist.
 */
export function jiraAuditRoutes(): Route[] {
  return [
    {
      method: 'POST',
      path: '/rest/api/2/auditing/record',
      auth: 'admin',
      auditWrite: true,
      async handle(ctx) {
        const received = await readJson(ctx.req);
        const parsed = JiraAuditRecordBody.safeParse(received);
        if (!parsed.success) {
          ctx.error(400, 'The audit record is invalid.', fieldErrorsOf(parsed.error));
          return;
        }
        storeAuditRecord(ctx, received, parsed.data);
        sendEmpty(ctx.res, 201);
      },
    },
    {
      method: 'GET',
      path: '/rest/api/2/auditing/record',
      auth: 'admin',
      handle(ctx) {
        const paging = readPaging(ctx.query, { start: 'offset', limit: 'limit' }, 1000, 1000);
        if (!paging.ok) {
          ctx.error(400, 'Invalid paging parameters.', paging.errors);
          return;
        }
        const all = newestFirst(ctx);
        const records = all
          .slice(paging.start, paging.start + paging.limit)
          .map(({ id, body, author, remoteAddress, receivedAt }) => ({
            id,
            summary: body.summary,
            remoteAddress: body.remoteAddress ?? remoteAddress,
            authorKey: body.authorKey ?? author.key,
            created: atlassianTime(receivedAt),
            category: body.category ?? '',
            eventSource: body.eventSource ?? '',
            ...(body.description !== undefined && { description: body.description }),
            ...(body.objectItem !== undefined && { objectItem: body.objectItem }),
            changedValues: body.changedValues ?? [],
            associatedItems: body.associatedItems ?? [],
          }));
        sendJson(ctx.res, 200, { offset: paging.start, limit: paging.limit, total: all.length, records });
      },
    },
  ];
}
