/**
 * What "no crash" means from outside the adapter process: it still answers `/health`, it was never
 * restarted (one `listening on` line), and its access log holds no answer the test did not expect.
 */
import { expect } from 'vitest';
import { send } from '../../src/http.js';
import type { Stack } from '../../src/stack.js';

/** One access-log line (`msg: "request"`) of the gateway's pino JSON on stderr. */
export interface AccessLine {
  method: string;
  path: string;
  status: number;
  outcome: string;
}

/**
 * The access lines among `logs` (other lines and non-JSON lines are skipped).
 *
 * @example
 * ```ts
 * accessLines(stack.logs).filter((line) => line.status >= 500);
 * ```
 */
export function accessLines(logs: readonly string[]): AccessLine[] {
  const lines: AccessLine[] = [];
  for (const text of logs) {
    if (!text.startsWith('{')) continue;
    try {
      const entry = JSON.parse(text) as Partial<AccessLine> & { msg?: unknown };
      if (entry.msg === 'request' && typeof entry.status === 'number') lines.push(entry as AccessLine);
    } catch {
      // A line that is not JSON is not an access line.
    }
  }
  return lines;
}

/** pino lines at `error` (50) or `fatal` (60), as text. */
export function errorLines(logs: readonly string[]): string[] {
  return logs.filter((text) => /"level":(5|6)\d\b/.test(text));
}

/**
 * Asserts the adapter is alive and was never restarted: `/health` answers 200 with the report, and
 * exactly one `listening on` line was printed since the stack started.
 *
 * @example
 * ```ts
 * await expectSameProcessServing(stack);
 * ```
 */
export async function expectSameProcessServing(stack: Stack): Promise<void> {
  const health = await send(stack.api('/health'), { headers: { Accept: 'application/json' } });
  expect({ status: health.status, body: health.json }).toMatchObject({
    status: 200,
    body: { status: expect.any(String), database: 'ok' },
  });
  expect(stack.logs.filter((line) => line.startsWith('listening on'))).toHaveLength(1);
}
