/** Fires a list of requests with bounded concurrency and records each answer's status and time. */

/** One answered request. */
export interface Answer {
  status: number;
  ms: number;
}

/**
 * @example
 * ```ts
 * const answers = await sendAll(tokens.map((t) => ({ url, headers: { authorization: `Bearer ${t}` } })), 8);
 * ```
 */
export async function sendAll(
  requests: ReadonlyArray<{ url: string; headers?: Record<string, string> }>,
  concurrency: number,
  /** Requests a lane takes at a time and sends one after the other (default 1). */
  batch = 1,
): Promise<Answer[]> {
  const answers: Answer[] = new Array<Answer>(requests.length);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < requests.length) {
      const first = next;
      next = Math.min(requests.length, next + batch);
      for (let index = first; index < first + batch && index < requests.length; index++) {
        const request = requests[index];
        if (request === undefined) return;
        const started = performance.now();
        const response = await fetch(request.url, { headers: request.headers ?? {} });
        await response.arrayBuffer();
        answers[index] = { status: response.status, ms: performance.now() - started };
      }
    }
  }
  const lanes = Math.max(1, Math.min(Math.ceil(concurrency / batch), Math.ceil(requests.length / batch)));
  await Promise.all(Array.from({ length: lanes }, () => lane()));
  return answers;
}

/** `{200: 198, 429: 2}` → `200×198, 429×2`. */
export function statusSummary(answers: readonly Answer[]): string {
  const counts = new Map<number, number>();
  for (const answer of answers) counts.set(answer.status, (counts.get(answer.status) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}×${count}`)
    .join(', ');
}

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
