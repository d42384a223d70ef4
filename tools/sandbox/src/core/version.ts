/** A product version as `[major, minor, patch]`; throws on anything else (a misuse of the options). */
export function parseVersion(version: string): [number, number, number] {
  const match = /^(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?$/.exec(version);
  if (!match) throw new TypeError(`version "${version}" is not of the form MAJOR.MINOR[.PATCH]`);
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}
