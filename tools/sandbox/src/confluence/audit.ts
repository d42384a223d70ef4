import { z } from 'zod';
import { readJson } from '../http/body.js';
import { sendJson } from '../http/respond.js';
import type { Route, StoredAuditRecord } from '../core/product.js';
import { newestFirst, storeAuditRecord } from '../core/audit-store.js';
import { readPaging } from '../core/paging.js';
import { fieldErrorsOf } from '../core/validation.js';
import { collectionLinks } from './representations.js';

// Jackson coerces JSON scalars into the bean's String fields, so numbers and booleans are accepted too.
const scalar = z.union([z.string(), z.number(), z.boolean()]).nullable().optional();
const AffectedObject = z.looseObject({ name: z.string(), objectType: z.string() });

/** Confluence's legacy `AuditRecord` as `POST /rest/api/audit` accepts it (DESIGN §4). */
const ConfluenceAuditRecordBody = z.looseObject({
  author: z
    .looseObject({
      type: z.string().optional(),
      username: z.string().optional(),
      userKey: z.string().optional(),
      displayName: z.string().optional(),
    })
    .optional(),
  remoteAddress: z.string().optional(),
  creationDate: z.union([z.number(), z.string()]).optional(),
  summary: z.string().min(1, 'summary is required'),
  description: z.string().optional(),
  category: z.string().optional(),
  sysAdmin: z.boolean().optional(),
  affectedObject: AffectedObject.optional(),
  changedValues: z.array(z.looseObject({ name: z.string(), oldValue: scalar, newValue: scalar })).optional(),
  associatedObjects: z.array(AffectedObject).optional(),
});

function representation(record: StoredAuditRecord): Record<string, unknown> {
  const { body, author } = record;
  return {
    author: body.author ?? {
      type: 'user',
      displayName: author.displayName,
      operations: null,
      username: author.username,
      userKey: author.key,
    },
    remoteAddress: body.remoteAddress ?? record.remoteAddress,
    creationDate: body.creationDate ?? record.receivedAt.getTime(),
    summary: body.summary,
    description: body.description ?? '',
    category: body.category ?? '',
    sysAdmin: body.sysAdmin ?? false,
    superAdmin: false,
    affectedObject: body.affectedObject ?? { name: '', objectType: '' },
    changedValues: body.changedValues ?? [],
    associatedObjects: body.associatedObjects ?? [],
  };
}

/**
 * `GET /rest/api/audit` always; the legacy `POST` only when enabled. Without the POST route the core
 * answers 405 (`Allow: GET`), which is what a Confluence without the endpoint does.
 */
export function confluenceAuditRoutes(legacyAudit: boolean): Route[] {
  const routes: Route[] = [
    {
      method: 'GET',
      path: '/rest/api/audit',
      auth: 'admin',
      handle(ctx) {
        const paging = readPaging(ctx.query, { start: 'start', limit: 'limit' }, 1000, 1000);
        if (!paging.ok) {
          ctx.error(400, 'Invalid paging parameters.', paging.errors);
          return;
        }
        const all = newestFirst(ctx);
        const results = all
          .slice(paging.start, paging.start + paging.limit)
          .map((record) => representation(record));
        sendJson(ctx.res, 200, {
          results,
          start: paging.start,
          limit: paging.limit,
          size: results.length,
          _links: {
            self: `${ctx.baseUrl}/rest/api/audit`,
            ...(paging.start + paging.limit < all.length && {
              next: `/rest/api/audit?limit=${paging.limit}&start=${paging.start + paging.limit}`,
            }),
            ...collectionLinks(ctx.baseUrl, ctx.product.contextPath),
          },
        });
      },
    },
  ];
  if (legacyAudit) {
    routes.push({
      method: 'POST',
      path: '/rest/api/audit',
      auth: 'admin',
      auditWrite: true,
      async handle(ctx) {
        const received = await readJson(ctx.req);
        const parsed = ConfluenceAuditRecordBody.safeParse(received);
        if (!parsed.success) {
          ctx.error(400, 'The audit record is invalid.', fieldErrorsOf(parsed.error));
          return;
        }
        const stored = storeAuditRecord(ctx, received, parsed.data);
        sendJson(ctx.res, 200, representation(stored));
      },
    });
  }
  return routes;
}
