import type { SandboxUser } from '../types.js';

export function confluenceUserSelf(baseUrl: string, user: SandboxUser): string {
  return `${baseUrl}/rest/api/user?key=${encodeURIComponent(user.key)}`;
}

/**
 * Confluence's `KnownUser`. Whether the user is active is not part of the default representation; as in
 * Confluence it is an expansion (`expand=status`, `PersonFactory` with `UserStatus`,
 * docs.atlassian.com/atlassian-confluence/6.5.2/com/atlassian/confluence/api/model/people/UserStatus.html):
 * one of `current`, `deactivated`, `externallyDeleted`, `unlicensed`, lower camel case; without the
 * expansion it is only listed in `_expandable`.
 */
export function knownUser(
  baseUrl: string,
  contextPath: string,
  user: SandboxUser,
  expand: ReadonlySet<string>,
): Record<string, unknown> {
  const expandable: Record<string, string> = { operations: '', details: '', personalSpace: '' };
  if (!expand.has('status')) expandable.status = '';
  return {
    type: 'known',
    username: user.username,
    userKey: user.key,
    profilePicture: {
      path: `${contextPath}/images/icons/profilepics/default.svg`,
      width: 48,
      height: 48,
      isDefault: true,
    },
    displayName: user.displayName,
    ...(expand.has('status') && { status: user.status ?? (user.active ? 'current' : 'deactivated') }),
    _links: { self: confluenceUserSelf(baseUrl, user) },
    _expandable: expandable,
  };
}

export function anonymousUser(baseUrl: string, contextPath: string): Record<string, unknown> {
  return {
    type: 'anonymous',
    profilePicture: {
      path: `${contextPath}/images/icons/profilepics/anonymous.svg`,
      width: 48,
      height: 48,
      isDefault: true,
    },
    displayName: 'Anonymous',
    _links: { self: `${baseUrl}/rest/api/user/anonymous` },
    _expandable: { operations: '' },
  };
}

/** The `_links` every Confluence collection carries: `base` with the context path, and the context path. */
export function collectionLinks(baseUrl: string, contextPath: string): { base: string; context: string } {
  return { base: baseUrl, context: contextPath };
}
