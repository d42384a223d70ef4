import { z } from 'zod';
import { readJson } from '../http/body.js';
import { sendJson } from '../http/respond.js';
import type { Route, RouteContext } from '../core/product.js';
import { readExpand } from '../core/expand.js';
import { fieldErrorsOf } from '../core/validation.js';
import type { SandboxUser } from '../types.js';
import { collectionLinks, knownUser } from './representations.js';

const SPACE = { id: 98305, key: 'DEMO', name: 'Demo space' };

interface Page {
  id: string;
  type: 'page' | 'blogpost';
  title: string;
  storage: string;
  version: number;
  created: Date;
}

const ContentCreateBody = z.looseObject({
  type: z.enum(['page', 'blogpost']),
  title: z.string().min(1, 'title is required'),
  space: z.object({ key: z.string().min(1) }),
  body: z
    .object({ storage: z.object({ value: z.string(), representation: z.literal('storage') }) })
    .optional(),
});

function representation(ctx: RouteContext, page: Page, withBody: boolean): Record<string, unknown> {
  const { baseUrl } = ctx;
  const context = ctx.product.contextPath;
  const self = `${baseUrl}/rest/api/content/${page.id}`;
  return {
    id: page.id,
    type: page.type,
    status: 'current',
    title: page.title,
    space: {
      ...SPACE,
      type: 'global',
      status: 'current',
      _links: { webui: `/display/${SPACE.key}`, self: `${baseUrl}/rest/api/space/${SPACE.key}` },
      _expandable: { homepage: `/rest/api/content/1001`, icon: '', description: '', metadata: '' },
    },
    // The sandbox reports the user the request ran as in `version.by`, so a test can see who it was.
    version: {
      by: knownUser(baseUrl, context, ctx.caller as SandboxUser, new Set()),
      when: page.created.toISOString(),
      message: '',
      number: page.version,
      minorEdit: false,
      hidden: false,
      _links: { self: `${baseUrl}/rest/experimental/content/${page.id}/version/${page.version}` },
      _expandable: { content: `/rest/api/content/${page.id}` },
    },
    ...(withBody && {
      body: {
        storage: {
          value: page.storage,
          representation: 'storage',
          _expandable: { content: `/rest/api/content/${page.id}` },
        },
        _expandable: { editor: '', view: '', export_view: '', styled_view: '', anonymous_export_view: '' },
      },
    }),
    extensions: { position: 'none' },
    _links: {
      webui: `/pages/viewpage.action?pageId=${page.id}`,
      edit: `/pages/resumedraft.action?draftId=${page.id}`,
      tinyui: `/x/${page.id}`,
      collection: '/rest/api/content',
      self,
      ...collectionLinks(baseUrl, context),
    },
    _expandable: {
      container: `/rest/api/space/${SPACE.key}`,
      metadata: '',
      operations: '',
      children: '',
      restrictions: '',
      history: '',
      ancestors: '',
      descendants: '',
    },
  };
}

/** `GET /rest/api/content/{id}` (page 1001 is seeded) and `POST /rest/api/content`. */
export function contentRoutes(now: Date): Route[] {
  const pages = new Map<string, Page>();
  pages.set('1001', {
    id: '1001',
    type: 'page',
    title: 'Demo page',
    storage: '<p>Welcome to the sandbox Confluence.</p>',
    version: 1,
    created: now,
  });
  let next = 1002;

  return [
    {
      method: 'GET',
      path: '/rest/api/content/{id}',
      auth: 'user',
      handle(ctx) {
        const page = pages.get(ctx.params.id ?? '');
        if (!page) {
          ctx.error(404, `No content found with id: ContentId{id=${ctx.params.id}}`);
          return;
        }
        sendJson(ctx.res, 200, representation(ctx, page, readExpand(ctx.query).has('body.storage')));
      },
    },
    {
      method: 'POST',
      path: '/rest/api/content',
      auth: 'user',
      async handle(ctx) {
        const parsed = ContentCreateBody.safeParse(await readJson(ctx.req));
        if (!parsed.success) {
          ctx.error(400, 'The content could not be created.', fieldErrorsOf(parsed.error));
          return;
        }
        const body = parsed.data;
        if (body.space.key !== SPACE.key) {
          ctx.error(400, `Space does not exist: ${body.space.key}; use "${SPACE.key}".`, {
            'space.key': 'unknown space',
          });
          return;
        }
        if ([...pages.values()].some((page) => page.title === body.title && page.type === body.type)) {
          ctx.error(400, `A ${body.type} with this title already exists in space ${SPACE.key}.`, {
            title: 'duplicate',
          });
          return;
        }
        const page: Page = {
          id: String(next),
          type: body.type,
          title: body.title,
          storage: body.body?.storage.value ?? '',
          version: 1,
          created: ctx.state.now(),
        };
        next += 1;
        pages.set(page.id, page);
        sendJson(ctx.res, 200, representation(ctx, page, true));
      },
    },
  ];
}
