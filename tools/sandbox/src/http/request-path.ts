/** Where a request target lands inside the product. */
export type ResolvedPath =
  | { kind: 'inside'; path: string; query: URLSearchParams }
  | { kind: 'outside' }
  | { kind: 'redirect'; location: string }
  | { kind: 'bad'; reason: string };

/**
 * Normalises a request target the way Tomcat does before it picks a servlet: path parameters
 * (`/rest;x=y/…`) are dropped and percent-escapes decoded (`/%72est/…` is `/rest/…`), while encoded
 * slashes, backslashes and dot segments are refused. The gateway must not be able to smuggle a path past
 * its own checks that the product would read differently, so the sandbox reads paths as the product does.
 */
export function resolveRequestPath(target: string, contextPath: string): ResolvedPath {
  let url: URL;
  try {
    url = new URL(target, 'http://sandbox.invalid');
  } catch {
    return { kind: 'bad', reason: 'The request target is not a valid URL.' };
  }
  const segments: string[] = [];
  for (const raw of url.pathname.split('/').slice(1)) {
    const withoutParams = raw.split(';', 1)[0] ?? '';
    let decoded: string;
    try {
      decoded = decodeURIComponent(withoutParams);
    } catch {
      return { kind: 'bad', reason: 'The request path has an invalid percent-encoding.' };
    }
    if (decoded.includes('/') || decoded.includes('\\') || decoded.includes('\0')) {
      return { kind: 'bad', reason: 'The request path contains an encoded slash or backslash.' };
    }
    if (decoded === '.' || decoded === '..') {
      return { kind: 'bad', reason: 'The request path contains a dot segment.' };
    }
    segments.push(decoded);
  }
  const path = `/${segments.join('/')}`;
  if (contextPath === '') return { kind: 'inside', path, query: url.searchParams };
  if (path === contextPath) return { kind: 'redirect', location: `${contextPath}/${url.search}` };
  if (!path.startsWith(`${contextPath}/`)) return { kind: 'outside' };
  return { kind: 'inside', path: path.slice(contextPath.length), query: url.searchParams };
}
