/** Parsed `start`/`limit` query parameters, or the field errors that make them invalid. */
export type Paging =
  { ok: true; start: number; limit: number } | { ok: false; errors: Record<string, string> };

/** Reads paging parameters; non-negative integers only, `limit` capped at `max`. */
export function readPaging(
  query: URLSearchParams,
  names: { start: string; limit: string },
  defaultLimit: number,
  max: number,
): Paging {
  const errors: Record<string, string> = {};
  const read = (name: string, fallback: number): number => {
    const raw = query.get(name);
    if (raw === null || raw === '') return fallback;
    if (!/^\d{1,9}$/.test(raw)) {
      errors[name] = 'must be a non-negative whole number';
      return fallback;
    }
    return Number(raw);
  };
  const start = read(names.start, 0);
  const limit = Math.min(read(names.limit, defaultLimit), max);
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, start, limit };
}
