import { sendJson } from '../http/respond.js';
import type { Route, RouteContext } from '../core/product.js';
import { readExpand } from '../core/expand.js';
import { readPaging } from '../core/paging.js';
import { findUser, findUserByKey } from '../core/users.js';
import type { SandboxUser } from '../types.js';
import { anonymousUser, collectionLinks, knownUser } from './representations.js';

/** Resolves `?username=` or `?key=`; answers 400/404 itself and returns undefined then. */
function requestedUser(ctx: RouteContext): SandboxUser | undefined {
  const username = ctx.query.get('username');
  const key = ctx.query.get('key');
  if (!username && !key) {
    ctx.error(400, 'Give the user as ?username=NAME or ?key=USERKEY.', { username: 'required' });
    return undefined;
  }
  const user = username ? findUser(ctx.state.users, username) : findUserByKey(ctx.state.users, key ?? '');
  if (!user) ctx.error(404, `No user found with ${username ? `username: ${username}` : `key: ${key}`}`);
  return user;
}

/**
 * Confluence's `PersonService.find()` checks *View User Profiles* first
 * (`validateView().throwIfNotSuccessful("User not permitted to view user profiles")`); the REST layer
 * turns the `PermissionException` into a 403 whose message is the exception's.
 */
const NOT_PERMITTED =
  'com.atlassian.confluence.api.service.exceptions.api.PermissionException: User not permitted to view user profiles';

/** `/rest/api/user/current`, `/rest/api/user` and the paged `/rest/api/user/memberof`. */
export function confluenceUserRoutes(): Route[] {
  return [
    {
      method: 'GET',
      path: '/rest/api/user/current',
      // Confluence answers anonymous callers with 200 and `type: "anonymous"`, not 401.
      auth: 'anyone',
      handle(ctx) {
        const context = ctx.product.contextPath;
        sendJson(
          ctx.res,
          200,
          ctx.caller
            ? knownUser(ctx.baseUrl, context, ctx.caller, readExpand(ctx.query))
            : anonymousUser(ctx.baseUrl, context),
        );
      },
    },
    {
      method: 'GET',
      path: '/rest/api/user',
      auth: 'user',
      handle(ctx) {
        if (ctx.caller?.canViewUserProfiles === false) {
          ctx.error(403, NOT_PERMITTED);
          return;
        }
        const user = requestedUser(ctx);
        if (user)
          sendJson(
            ctx.res,
            200,
            knownUser(ctx.baseUrl, ctx.product.contextPath, user, readExpand(ctx.query)),
          );
      },
    },
    {
      method: 'GET',
      path: '/rest/api/user/memberof',
      auth: 'user',
      handle(ctx) {
        const paging = readPaging(ctx.query, { start: 'start', limit: 'limit' }, 200, 1000);
        if (!paging.ok) {
          ctx.error(400, 'Invalid paging parameters.', paging.errors);
          return;
        }
        const user = requestedUser(ctx);
        if (!user) return;
        const { start, limit } = paging;
        const groups = [...user.groups].sort((a, b) => a.localeCompare(b));
        const results = groups.slice(start, start + limit).map((name) => ({
          type: 'group',
          name,
          _links: { self: `${ctx.baseUrl}/rest/api/group/${encodeURIComponent(name)}` },
        }));
        const who = ctx.query.get('username')
          ? `username=${encodeURIComponent(user.username)}`
          : `key=${encodeURIComponent(user.key)}`;
        const link = (from: number): string => `/rest/api/user/memberof?${who}&limit=${limit}&start=${from}`;
        sendJson(ctx.res, 200, {
          results,
          start,
          limit,
          size: results.length,
          _links: {
            // Like Confluence, `next`/`prev`/`self` are relative to `base`, which includes the context path.
            self: `${ctx.baseUrl}${link(start)}`,
            ...(start + limit < groups.length && limit > 0 && { next: link(start + limit) }),
            ...(start > 0 && { prev: link(Math.max(0, start - limit)) }),
            ...collectionLinks(ctx.baseUrl, ctx.product.contextPath),
          },
        });
      },
    },
  ];
}
