/**
 * Jira answers used by the msw handlers, built from the examples in the official contract
 * (`UserBean`, `GroupJsonBean` property examples). `schemas.test.ts` validates each against the
 * contract, so a handler can never serve a shape Jira would not.
 */

/** `GET /rest/api/2/myself` — `UserBean`, values from its property examples. */
export const myselfFred = {
  self: 'http://www.example.com/jira/rest/api/2.0/user?username=fred',
  key: 'JIRAUSER10100',
  name: 'fred',
  emailAddress: 'fred@example.com',
  avatarUrls: {
    '48x48': 'http://www.example.com/jira/secure/useravatar?size=large&ownerId=fred',
    '24x24': 'http://www.example.com/jira/secure/useravatar?size=small&ownerId=fred',
    '16x16': 'http://www.example.com/jira/secure/useravatar?size=xsmall&ownerId=fred',
    '32x32': 'http://www.example.com/jira/secure/useravatar?size=medium&ownerId=fred',
  },
  displayName: 'Fred F. User',
  active: true,
  deleted: false,
  timeZone: 'Australia/Sydney',
  locale: 'en_AU',
  lastLoginTime: '2023-08-30T16:37:01+1000',
  expand: 'groups,applicationRoles',
};

/** `GET /rest/api/2/user?username=fred&expand=groups` — `UserBean` with its groups expanded. */
export function userWithGroups(overrides: { active?: boolean; deleted?: boolean; groups?: string[] } = {}) {
  const groups = overrides.groups ?? ['jira-administrators', 'jira-software-users'];
  return {
    ...myselfFred,
    active: overrides.active ?? true,
    deleted: overrides.deleted ?? false,
    groups: {
      size: groups.length,
      items: groups.map((name) => ({
        name,
        self: `http://www.example.com/jira/rest/api/2/group?groupname=${name}`,
      })),
      'max-results': 1000,
    },
    applicationRoles: { size: 1, items: [], 'max-results': 1000 },
  };
}

/** `GET /rest/api/2/serverInfo` — `ServerInfoBean` as Jira sends it for the given version. */
export function serverInfo(version: string) {
  return {
    baseUrl: 'http://www.example.com/jira',
    version,
    versionNumbers: version.split('.').map((part) => Number.parseInt(part, 10)),
    deploymentType: 'Server',
    buildNumber: 9_120_002,
    buildDate: '2024-01-01T00:00:00.000+0000',
    serverTime: '2024-05-01T12:00:00.000+0000',
    scmInfo: '0123456789abcdef0123456789abcdef01234567',
    serverTitle: 'Jira',
  };
}
