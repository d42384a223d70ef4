import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { atlassianErrorBody, sendAtlassianError } from './error-response.js';

let server: http.Server;
let port: number;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/fields')
      sendAtlassianError(res, 400, 'Invalid settings', { maxValidity: 'choose 6m, 1y, 2y or never' });
    else if (req.url === '/headers')
      sendAtlassianError(res, 429, 'Locked', {}, { 'Retry-After': '300', 'content-type': 'text/plain' });
    else if (req.url === '/late') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      sendAtlassianError(res, 502, 'too late');
    } else sendAtlassianError(res, 403, 'Requests from 10.0.0.7 are not allowed — "quoted"');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function get(
  path: string,
  method = 'GET',
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('aborted', () => reject(new Error('aborted')));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('sendAtlassianError', () => {
  test('writes the Atlassian shape with JSON, UTF-8 and no-store', async () => {
    const res = await get('/');
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
    expect(JSON.parse(res.body)).toEqual({
      errorMessages: ['Requests from 10.0.0.7 are not allowed — "quoted"'],
      errors: {},
    });
  });

  test('field errors go into errors', async () => {
    expect(JSON.parse((await get('/fields')).body)).toEqual({
      errorMessages: ['Invalid settings'],
      errors: { maxValidity: 'choose 6m, 1y, 2y or never' },
    });
  });

  test('extra headers are added but cannot change the content type', async () => {
    const res = await get('/headers');
    expect(res.headers['retry-after']).toBe('300');
    expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
  });

  test('HEAD gets the head only', async () => {
    const res = await get('/', 'HEAD');
    expect([res.status, res.body]).toEqual([403, '']);
  });

  test('after the head went out the connection is cut instead', async () => {
    await expect(get('/late')).rejects.toThrow();
  });
});

describe('atlassianErrorBody', () => {
  test('serialises', () => {
    expect(atlassianErrorBody('m')).toBe('{"errorMessages":["m"],"errors":{}}');
  });
});
