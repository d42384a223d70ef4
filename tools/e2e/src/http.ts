/**
 * A deliberately low-level HTTP client for the suite: the request target is sent byte for byte (no URL
 * normalisation, so `/rest;x=y/…` and `/%72est/…` reach the gateway as written), header names keep their
 * case and may repeat, and the client can bind to any loopback address (`127.0.0.2` …) to play a
 * different client IP. Every request opens its own connection, so a restarted adapter never sees a
 * stale keep-alive socket.
 */
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

/** Options of {@link send}. */
export interface SendOptions {
  method?: string;
  /** Headers by name; an array value sends the header once per element. */
  headers?: Record<string, string | readonly string[] | undefined>;
  /** Extra raw header pairs sent exactly as given (case kept, repeats allowed), e.g. `['X-FORWARDED-USER', 'admin']`. */
  rawHeaders?: ReadonlyArray<readonly [string, string]>;
  /** A string or Buffer is sent as is; anything else as JSON with `Content-Type: application/json`. */
  body?: unknown;
  /** Local (client) address to bind to, e.g. `127.0.0.2`. */
  from?: string;
  timeoutMs?: number;
}

/** A fully read response. */
export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or `undefined` when it is not JSON. */
  json: unknown;
}

/**
 * Sends one request to an absolute `http://host:port/raw/path?query` URL.
 *
 * @example
 * ```ts
 * const res = await send('http://127.0.0.1:8080/%72est/api/2/myself', {
 *   headers: { authorization: basic('alice', 'alice').authorization },
 *   from: '127.0.0.2',
 * });
 * res.status; // 403 when 127.0.0.2 is not allowed
 * ```
 */
export function send(url: string, options: SendOptions = {}): Promise<HttpResponse> {
  const match = /^http:\/\/([^/:]+):(\d+)(\/.*)?$/.exec(url);
  if (match === null) throw new TypeError(`send() needs an absolute http://host:port URL, got ${url}`);
  const [, host = '', port = '', path = '/'] = match;
  const flat: string[] = ['Host', `${host}:${port}`];
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === undefined) continue;
    for (const item of typeof value === 'string' ? [value] : value) flat.push(name, item);
  }
  for (const [name, value] of options.rawHeaders ?? []) flat.push(name, value);
  let payload: Buffer | undefined;
  if (options.body !== undefined) {
    if (typeof options.body === 'string') payload = Buffer.from(options.body);
    else if (Buffer.isBuffer(options.body)) payload = options.body;
    else {
      payload = Buffer.from(JSON.stringify(options.body));
      if (!flat.some((item, index) => index % 2 === 0 && item.toLowerCase() === 'content-type')) {
        flat.push('Content-Type', 'application/json');
      }
    }
    flat.push('Content-Length', String(payload.length));
  }
  return new Promise<HttpResponse>((resolve, reject) => {
    const request = httpRequest(
      {
        host,
        port: Number(port),
        path,
        method: options.method ?? 'GET',
        headers: flat,
        agent: false,
        ...(options.from === undefined ? {} : { localAddress: options.from }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
        });
      },
    );
    request.setTimeout(options.timeoutMs ?? 15_000, () => {
      request.destroy(new Error(`${options.method ?? 'GET'} ${url} timed out`));
    });
    request.on('error', reject);
    request.end(payload);
  });
}

/**
 * Writes `raw` bytes to a fresh connection and returns everything the server sent back until it
 * closed the connection or `timeoutMs` passed — for requests no well-behaved client would send
 * (smuggling attempts, conflicting framing headers).
 *
 * @example
 * ```ts
 * const reply = await sendRaw('http://127.0.0.1:8080', 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
 * reply.startsWith('HTTP/1.1 '); // true
 * ```
 */
export function sendRaw(origin: string, raw: string, timeoutMs = 3_000): Promise<string> {
  const { hostname, port } = new URL(origin);
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.end(raw));
    const finish = () => resolve(Buffer.concat(chunks).toString('latin1'));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', finish);
    socket.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' ? finish() : reject(error),
    );
    socket.setTimeout(timeoutMs, () => socket.destroy());
  });
}
