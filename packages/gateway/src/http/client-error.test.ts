import * as http from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { answerClientError, clientErrorResponse } from './client-error.js';

let server: http.Server;
let port: number;
let handled = 0;

beforeAll(async () => {
  server = http.createServer({ maxHeaderSize: 1024 }, (_req, res) => {
    handled += 1;
    res.end('ok');
  });
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Writes raw bytes (no half-close) and collects everything until the server closes. */
function exchange(raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(raw));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

function parse(reply: string): { status: number; headers: string; body: unknown } {
  const [head = '', body = ''] = reply.split('\r\n\r\n');
  return { status: Number(head.slice(9, 12)), headers: head.toLowerCase(), body: JSON.parse(body) };
}

describe('answerClientError', () => {
  test.each([
    ['an unknown method token', 'G@T / HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['a NUL in a header value', 'GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic \u0000\r\n\r\n', 400],
    ['a header line without a colon', 'GET / HTTP/1.1\r\nHost: x\r\nAuthorization\r\n\r\n', 400],
    [
      'headers over the limit',
      `GET / HTTP/1.1\r\nHost: x\r\nAuthorization: ${'x'.repeat(2000)}\r\n\r\n`,
      431,
    ],
  ])('%s → %i in the Atlassian error shape, the handler never runs', async (_name, raw, status) => {
    const before = handled;
    const reply = parse(await exchange(raw));
    expect(reply.status).toBe(status);
    expect(reply.headers).toContain('content-type: application/json;charset=utf-8');
    expect(reply.headers).toContain('connection: close');
    expect(reply.body).toEqual({ errorMessages: [expect.any(String)], errors: {} });
    expect(handled).toBe(before);
  });

  test('a valid request on the same server is still served', async () => {
    expect(await exchange('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(
      /^HTTP\/1\.1 200 /,
    );
  });

  test('the response bytes carry an exact Content-Length', () => {
    const text = clientErrorResponse('ERR_HTTP_REQUEST_TIMEOUT');
    const [head = '', body = ''] = text.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(head).toContain(`content-length: ${Buffer.byteLength(body)}`);
  });
});
