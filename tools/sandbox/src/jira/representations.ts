import type { SandboxUser } from '../types.js';

function avatarUrls(baseUrl: string, user: SandboxUser): Record<string, string> {
  const owner = encodeURIComponent(user.username);
  return {
    '48x48': `${baseUrl}/secure/useravatar?size=large&ownerId=${owner}`,
    '24x24': `${baseUrl}/secure/useravatar?size=small&ownerId=${owner}`,
    '16x16': `${baseUrl}/secure/useravatar?size=xsmall&ownerId=${owner}`,
    '32x32': `${baseUrl}/secure/useravatar?size=medium&ownerId=${owner}`,
  };
}

export function jiraUserSelf(baseUrl: string, user: SandboxUser): string {
  return `${baseUrl}/rest/api/2/user?username=${encodeURIComponent(user.username)}`;
}

/** A user as embedded in other resources (issue reporter, …). */
export function jiraUserReference(baseUrl: string, user: SandboxUser): Record<string, unknown> {
  return {
    self: jiraUserSelf(baseUrl, user),
    name: user.username,
    key: user.key,
    emailAddress: user.email,
    avatarUrls: avatarUrls(baseUrl, user),
    displayName: user.displayName,
    active: user.active,
    timeZone: 'UTC',
  };
}

/**
 * Jira's `UserBean` (`/myself`, `/user`). As in Jira, the `groups` and `applicationRoles` lists carry
 * only their size unless expanded.
 */
export function jiraUserBean(
  baseUrl: string,
  user: SandboxUser,
  expand: ReadonlySet<string>,
): Record<string, unknown> {
  const groups = [...user.groups].sort((a, b) => a.localeCompare(b));
  return {
    self: jiraUserSelf(baseUrl, user),
    key: user.key,
    name: user.username,
    emailAddress: user.email,
    avatarUrls: avatarUrls(baseUrl, user),
    displayName: user.displayName,
    active: user.active,
    deleted: false,
    timeZone: 'UTC',
    locale: 'en_US',
    groups: {
      size: groups.length,
      items: expand.has('groups')
        ? groups.map((name) => ({
            name,
            self: `${baseUrl}/rest/api/2/group?groupname=${encodeURIComponent(name)}`,
          }))
        : [],
    },
    applicationRoles: {
      size: 1,
      items: expand.has('applicationRoles') ? [{ key: 'jira-software', name: 'Jira Software' }] : [],
    },
    expand: 'groups,applicationRoles',
  };
}
