/** Reads Atlassian's `expand` parameter: comma-separated, possibly repeated. */
export function readExpand(query: URLSearchParams): Set<string> {
  return new Set(
    query
      .getAll('expand')
      .flatMap((value) => value.split(','))
      .map((value) => value.trim())
      .filter(Boolean),
  );
}
