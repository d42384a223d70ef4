/**
 * The text of one access line, built directly (issue 6: pino's serialisation of a log object per
 * request, and then keeping raw fields for a batch to format later, cost several µs of a warm request).
 * The line is exactly what pino writes for `logger.info({ method, path, status, outcome, ms, clientIp,
 * user }, 'request')` with the logger's bindings (`logger.test.ts` compares them byte for byte).
 */

/** The fields of one access line: what happened, never how the caller authenticated. */
export interface AccessFields {
  method: string;
  /** Path without the query string. */
  path: string;
  status: number;
  /** Pipeline outcome or refusal code, e.g. `forward-as-user`, `TOKEN_INVALID`, `api`. */
  outcome: string;
  ms: number;
  clientIp: string | null;
  user: string | null;
}

/** A JSON string: quoted as is when nothing in it needs escaping (the usual case). */
function json(text: string | null): string {
  if (text === null) return 'null';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) {
      return JSON.stringify(text);
    }
  }
  return `"${text}"`;
}

/**
 * `String(Math.round(ms * 100) / 100)`, the duration as pino writes it, from whole hundredths: the
 * general number-to-text conversion of a fraction was about 1 µs of a warm request (issue 6). For a
 * whole number of hundredths below 2^31 the two agree (`logger.test.ts` checks it on random durations).
 */
export function durationText(ms: number): string {
  const hundredths = Math.round(ms * 100);
  if (!(hundredths >= 0 && hundredths < 2 ** 31)) return String(hundredths / 100);
  const whole = Math.floor(hundredths / 100);
  const fraction = hundredths - whole * 100;
  if (fraction === 0) return `${whole}`;
  if (fraction % 10 === 0) return `${whole}.${fraction / 10}`;
  return `${whole}.${fraction < 10 ? '0' : ''}${fraction}`;
}

/**
 * Returns a formatter of access lines. It remembers the text of the current second of its `time`
 * field (`Date#toISOString` otherwise allocates a `Date` per line), so keep one per writer.
 *
 * @example
 * ```ts
 * const accessLine = createAccessLineFormatter();
 * accessLine(',"service":"api-token-auth"', Date.now(), { method: 'GET', path: '/rest/api/2/myself', status: 200,
 *   outcome: 'forward-as-user', ms: 3.2, clientIp: '10.0.0.1', user: 'alice' });
 * // '{"level":30,"time":"2026-…Z","service":"api-token-auth","method":"GET",…,"msg":"request"}\n'
 * ```
 */
export function createAccessLineFormatter(): (
  bindings: string,
  epochMs: number,
  fields: AccessFields,
) => string {
  let secondStart = Number.NaN;
  let secondText = '';

  /** `new Date(epochMs).toISOString()`. */
  function isoTime(epochMs: number): string {
    let intoSecond = epochMs - secondStart;
    if (!(intoSecond >= 0 && intoSecond < 1000)) {
      intoSecond = ((epochMs % 1000) + 1000) % 1000;
      secondStart = epochMs - intoSecond;
      // Always ends in `.000Z` for a whole second, whatever the year's format.
      secondText = new Date(secondStart).toISOString().slice(0, -4);
    }
    return `${secondText}${intoSecond < 10 ? '00' : intoSecond < 100 ? '0' : ''}${intoSecond}Z`;
  }

  return (bindings, epochMs, fields) =>
    `{"level":30,"time":"${isoTime(epochMs)}"${bindings},"method":${json(fields.method)},"path":${json(fields.path)},"status":${fields.status},"outcome":${json(fields.outcome)},"ms":${durationText(fields.ms)},"clientIp":${json(fields.clientIp)},"user":${json(fields.user)},"msg":"request"}\n`;
}
