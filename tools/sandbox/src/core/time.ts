/** Jira's and Confluence's timestamp format: ISO 8601 with milliseconds and a `+0000` offset. */
export function atlassianTime(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}
