/**
 * zod schemas of the Confluence REST answers the adapter reads, written by hand from the official
 * contract `tools/sandbox/contracts/confluence-dc-10.0.3-openapi.json`. Only the fields we read are
 * listed. `test/schemas.test.ts` checks every field against the contract, with narrow work-arounds
 * for its known defects (`Person` lists only `type`, `displayName` and `profilePicture`;
 * `user/memberof` types its results as `Person` although they are groups).
 */
import { z } from 'zod';

/**
 * Mirrors `Person` (`GET /rest/api/user/current`). `type` is `known` for a user and `anonymous` when
 * the request carried no valid session; `username` and `userKey` are on known users (the contract's
 * own examples show them, its generated `Person` omits them).
 */
export const confluenceCurrentUserSchema = z.object({
  type: z.string(),
  username: z.string().optional(),
  userKey: z.string().optional(),
  displayName: z.string().optional(),
});

/** A `Person` that is nobody who could hold a token: the anonymous user, or an unknown one. */
export const confluenceNobodySchema = z.object({ type: z.enum(['anonymous', 'unknown']) });

/**
 * Mirrors `Person` (`GET /rest/api/user?username=…&expand=status`): either nobody, or a user with a
 * username. `status` answers the `status` expansion (the contract's own example of a known user lists
 * it under `_expandable`, its generated `Person` does not type it). The adapter requires it and reads
 * only `current` as active (issue 20 item 7): Confluence's `PersonFactory` always sets it when the
 * expansion is honoured, to a `UserStatus` — `current`, `deactivated`, `externallyDeleted`,
 * `unlicensed` — so an answer without it, or of another `type` than `known`, came from something else.
 */
export const confluenceUserSchema = z.union([
  confluenceNobodySchema,
  z.object({
    type: z.string(),
    username: z.string().min(1),
    userKey: z.string().optional(),
    displayName: z.string().optional(),
    status: z.string().optional(),
  }),
]);

/** The values of Confluence's `UserStatus` (`com.atlassian.confluence.api.model.people`), as serialised. */
export const CONFLUENCE_USER_STATUSES = [
  'current',
  'deactivated',
  'externallyDeleted',
  'unlicensed',
] as const;

/**
 * Mirrors `RestError` (Confluence's error body): only `message`, which names a missing permission
 * (`…PermissionException: User not permitted to view user profiles`).
 */
export const confluenceRestErrorSchema = z.object({ message: z.string().optional() });

/** One group of `GET /rest/api/user/memberof` (typed `Person` by the contract; really a group). */
export const confluenceGroupSchema = z.object({ name: z.string() });

/** Mirrors the paged answer of `GET /rest/api/user/memberof` (`results`, `start`, `limit`, `size`, `_links.next`). */
export const confluenceGroupPageSchema = z.object({
  results: z.array(confluenceGroupSchema),
  start: z.number().optional(),
  limit: z.number().optional(),
  size: z.number().optional(),
  _links: z.object({ next: z.string().optional() }).optional(),
});

export type ConfluenceCurrentUser = z.output<typeof confluenceCurrentUserSchema>;
export type ConfluenceUser = z.output<typeof confluenceUserSchema>;
export type ConfluenceGroupPage = z.output<typeof confluenceGroupPageSchema>;
