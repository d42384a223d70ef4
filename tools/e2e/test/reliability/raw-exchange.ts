/**
 * One HTTP/1.1 exchange written byte for byte: header values may hold any bytes a hostile client
 * sends (UTF-8 beyond Latin-1, which node:http's client refuses to send), and the answer is parsed
 * by hand into the suite's `HttpResponse`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { HttpResponse } from '../../src/http.js';

/** What to send; `target` goes into the request line as written. */
export interface RawRequest {
  method: string;
  target: string;
  headers?: ReadonlyArray<readonly [string, string]>;
  /** Sent with `Content-Length`; a string is encoded as UTF-8. */
  body?: string | Buffer;
  /** Client source address, e.g. `127.0.0.66`. */
  from?: string;
  timeoutMs?: number;
}

/** An answer, or `null` status when the server closed the connection without one. */
export type RawResponse = HttpResponse & { raw: Buffer };

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/**
 * Parses one HTTP/1.1 response (status line, headers, body by `Content-Length` or chunked).
 *
 * @example
 * ```ts
 * parseResponse(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n')).status; // 204
 * ```
 */
export function parseResponse(raw: Buffer): RawResponse {
  const headEnd = raw.indexOf('\r\n\r\n');
  const head = (headEnd < 0 ? raw : raw.subarray(0, headEnd)).toString('latin1');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: IncomingHttpHeaders = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'set-cookie') headers['set-cookie'] = [...(headers['set-cookie'] ?? []), value];
    else headers[name] = headers[name] === undefined ? value : `${String(headers[name])}, ${value}`;
  }
  let body = headEnd < 0 ? Buffer.alloc(0) : raw.subarray(headEnd + 4);
  if (/chunked/i.test(String(headers['transfer-encoding'] ?? ''))) body = dechunk(body);
  const text = body.toString('utf8');
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, headers, text, json, raw };
}

/**
 * Sends `request` on a fresh connection with `Connection: close`, reads until the server closes it, and resolves with the parsed answer
 * (status 0 when the server closed or reset the connection without answering).
 *
 * @example
 * ```ts
 * const res = await rawExchange(stack.origin, {
 *   method: 'GET',
 *   target: '/rest/api/2/myself',
 *   headers: [['Authorization', 'Bearer ata_ünïcödé']],
 * });
 * ```
 */
export function rawExchange(origin: string, request: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(origin);
  const lines = [`${request.method} ${request.target} HTTP/1.1`, `Host: ${hostname}:${port}`];
  for (const [name, value] of request.headers ?? []) lines.push(`${name}: ${value}`);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  if (body !== undefined) lines.push(`Content-Length: ${body.length}`);
  lines.push('Connection: close', '', '');
  const bytes = Buffer.concat([Buffer.from(lines.join('\r\n'), 'utf8'), body ?? Buffer.alloc(0)]);
  return new Promise<RawResponse>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({
      host: hostname,
      port: Number(port),
      ...(request.from === undefined ? {} : { localAddress: request.from }),
    });
    // No half-close after the request: Node's server (httpAllowHalfOpen off) drops a request whose
    // client sent FIN before the answer, which would hide the answer this client is here to check.
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(parseResponse(Buffer.concat(chunks))));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return;
      reject(error);
    });
    socket.setTimeout(request.timeoutMs ?? 15_000, () =>
      socket.destroy(new Error(`${request.method} ${request.target.slice(0, 80)} timed out`)),
    );
  });
}
