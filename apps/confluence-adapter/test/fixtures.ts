/**
 * Confluence answers used by the msw handlers. The user objects are copies of examples embedded in
 * the official contract's descriptions (`schemas.test.ts` checks that they still are, and validates
 * every fixture against the contract's response schemas).
 */

/** A known user, verbatim from the contract's embedded examples. */
export const knownAdmin = {
  type: 'known',
  username: 'admin',
  userKey: '2c9d802a8067b72f018067b876420000',
  profilePicture: {
    path: '/confluence/images/icons/profilepics/default.svg',
    width: 48,
    height: 48,
    isDefault: true,
  },
  displayName: 'admin',
  _links: { self: 'http://localhost:8080/confluence/rest/api/user?key=2c9d802a8067b72f018067b876420000' },
  _expandable: { status: '' },
};

/** The anonymous user, verbatim from the contract's embedded examples. */
export const anonymous = {
  type: 'anonymous',
  profilePicture: {
    path: '/confluence/s/-ze4av5/8804/0/_/images/icons/profilepics/anonymous.svg',
    width: 48,
    height: 48,
    isDefault: true,
  },
  displayName: 'Anonymous',
};

/** `GET /rest/api/user?username=admin&expand=status`: the known user with its `status` expanded. */
export function userWithStatus(status: string | undefined) {
  const { _expandable: _unused, ...user } = knownAdmin;
  return status === undefined ? knownAdmin : { ...user, status };
}

/** One page of `GET /rest/api/user/memberof`, in the contract's paged shape (`results`, `start`, `limit`, `size`, `_links`). */
export function groupPage(names: readonly string[], start: number, limit: number, hasNext: boolean) {
  const base = 'http://localhost:8080/confluence';
  const self = `${base}/rest/api/user/memberof?username=admin&limit=${limit}&start=${start}`;
  return {
    results: names.map((name) => ({
      type: 'group',
      name,
      _links: { self: `${base}/rest/api/group/${name}` },
    })),
    start,
    limit,
    size: names.length,
    _links: {
      base,
      context: '/confluence',
      self,
      ...(hasNext
        ? { next: `/rest/api/user/memberof?username=admin&limit=${limit}&start=${start + names.length}` }
        : {}),
    },
  };
}
