import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createReverseProxy } from '../src/proxy/reverse-proxy.js';
import type { ForwardResult } from '../src/proxy/types.js';
import {
  headerValues,
  listen,
  send,
  sendRaw,
  startGateway,
  startUpstream,
  waitFor,
  type Gateway,
  type Upstream,
} from './proxy-harness.js';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
const FIVE_MB = 5 * 1024 * 1024;

let upstream: Upstream;
let gateway: Gateway;

beforeAll(async () => {
  upstream = await startUpstream();
  gateway = await startGateway({ upstreamUrl: `${upstream.url}/jira` });
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

afterEach(() => {
  gateway.options(() => ({ clientIp: '127.0.0.1', proto: 'http' }));
  upstream.handle((_req, res) => res.end('ok'));
});

function echoHeaders(): void {
  upstream.handle((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, url: req.url, rawHeaders: req.rawHeaders }));
  });
}

interface Echo {
  method: string;
  url: string;
  rawHeaders: string[];
}

describe('request forwarding', () => {
  test('method, raw path and query pass unchanged; Host is the upstream, the original goes to X-Forwarded-Host', async () => {
    echoHeaders();
    gateway.options(() => ({ clientIp: '203.0.113.9', proto: 'https' }));
    const path = '/jira/rest;x=y/api/2/issue/%41BC-1?jql=a%20b&x=1&x=2';
    const res = await send(gateway.port, {
      method: 'PATCH',
      path,
      headers: { host: 'jira.example.com', 'x-custom': 'kept' },
    });
    const echo = JSON.parse(res.body.toString()) as Echo;
    expect(echo.method).toBe('PATCH');
    expect(echo.url).toBe(path);
    expect(headerValues(echo.rawHeaders, 'host')).toEqual([`127.0.0.1:${upstream.port}`]);
    expect(headerValues(echo.rawHeaders, 'x-forwarded-host')).toEqual(['jira.example.com']);
    expect(headerValues(echo.rawHeaders, 'x-forwarded-for')).toEqual(['203.0.113.9']);
    expect(headerValues(echo.rawHeaders, 'x-forwarded-proto')).toEqual(['https']);
    expect(headerValues(echo.rawHeaders, 'x-custom')).toEqual(['kept']);
  });

  test('client-sent forwarding headers are replaced, never passed on', async () => {
    echoHeaders();
    gateway.options(() => ({ clientIp: '198.51.100.7', proto: 'http' }));
    const res = await send(gateway.port, {
      headers: [
        'X-Forwarded-For',
        '1.2.3.4',
        'x-forwarded-for',
        '5.6.7.8',
        'X-Forwarded-Proto',
        'https',
        'X-Forwarded-Host',
        'evil.example',
        'Forwarded',
        'for=1.2.3.4',
        'X-Real-IP',
        '1.2.3.4',
        'Host',
        'gw.example',
      ],
    });
    const echo = JSON.parse(res.body.toString()) as Echo;
    expect(headerValues(echo.rawHeaders, 'x-forwarded-for')).toEqual(['198.51.100.7']);
    expect(headerValues(echo.rawHeaders, 'x-forwarded-proto')).toEqual(['http']);
    expect(headerValues(echo.rawHeaders, 'x-forwarded-host')).toEqual(['gw.example']);
    expect(headerValues(echo.rawHeaders, 'forwarded')).toEqual([]);
    expect(headerValues(echo.rawHeaders, 'x-real-ip')).toEqual([]);
  });

  test('setHeaders may provide the X-Forwarded-For chain', async () => {
    echoHeaders();
    gateway.options(() => ({
      clientIp: '203.0.113.9',
      proto: 'http',
      setHeaders: { 'X-Forwarded-For': '203.0.113.9, 10.0.0.2' },
    }));
    const res = await send(gateway.port, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    const echo = JSON.parse(res.body.toString()) as Echo;
    expect(headerValues(echo.rawHeaders, 'x-forwarded-for')).toEqual(['203.0.113.9, 10.0.0.2']);
  });

  test('hop-by-hop headers and the headers named by Connection are removed', async () => {
    echoHeaders();
    const raw = await sendRaw(
      gateway.port,
      [
        'GET /jira/hop HTTP/1.1',
        'Host: gw.example',
        'Connection: keep-alive, X-Hop-Secret, x-other-hop',
        'Connection: close',
        'Keep-Alive: timeout=5',
        'X-Hop-Secret: must not arrive',
        'X-OTHER-HOP: must not arrive',
        'TE: trailers',
        'Trailer: X-Checksum',
        'Proxy-Authorization: Basic Zm9vOmJhcg==',
        'Proxy-Connection: keep-alive',
        'Upgrade: h2c',
        'X-Kept: yes',
        '',
        '',
      ].join('\r\n'),
    );
    const echo = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as Echo;
    const names = new Set(echo.rawHeaders.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase()));
    for (const dropped of [
      'x-hop-secret',
      'x-other-hop',
      'keep-alive',
      'te',
      'trailer',
      'proxy-authorization',
      'proxy-connection',
      'upgrade',
    ]) {
      expect(names.has(dropped), dropped).toBe(false);
    }
    expect(headerValues(echo.rawHeaders, 'x-kept')).toEqual(['yes']);
    // Only undici's own connection management: the client's "close" is not passed on.
    expect(headerValues(echo.rawHeaders, 'connection')).toEqual(['keep-alive']);
  });

  test('removeHeaders drops every copy in any case; setHeaders wins over client copies', async () => {
    echoHeaders();
    gateway.options(() => ({
      clientIp: '127.0.0.1',
      proto: 'http',
      removeHeaders: ['Authorization', 'x-forwarded-user', 'X-API-TOKEN-AUTH-SECRET'],
      setHeaders: { 'X-Forwarded-User': 'alice', 'X-Api-Token-Auth-Secret': 's3cret' },
    }));
    const res = await send(gateway.port, {
      headers: [
        'Host',
        'gw.example',
        'Authorization',
        'Basic YWxpY2U6YWxpY2U=',
        'authorization',
        'Bearer x',
        'X-Forwarded-User',
        'admin',
        'x-forwarded-user',
        'root',
        'X-FORWARDED-USER',
        'admin2',
        'x-api-token-auth-secret',
        'guess',
        'X-Api-Token-Auth-Secret',
        'guess2',
      ],
    });
    const echo = JSON.parse(res.body.toString()) as Echo;
    expect(headerValues(echo.rawHeaders, 'authorization')).toEqual([]);
    expect(headerValues(echo.rawHeaders, 'x-forwarded-user')).toEqual(['alice']);
    expect(headerValues(echo.rawHeaders, 'x-api-token-auth-secret')).toEqual(['s3cret']);
  });

  test('an absolute-form target is sent upstream as its path, without the foreign authority', async () => {
    echoHeaders();
    const raw = await sendRaw(
      gateway.port,
      'GET http://evil.example/jira/rest/api/2/myself?x=1 HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n',
    );
    const echo = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as Echo;
    expect(echo.url).toBe('/jira/rest/api/2/myself?x=1');
    expect(headerValues(echo.rawHeaders, 'host')).toEqual([`127.0.0.1:${upstream.port}`]);
  });

  test('a target that is not origin-form (OPTIONS *) is answered 400 without reaching the upstream', async () => {
    const before = upstream.requests.length;
    const result = gateway.nextResult();
    const raw = await sendRaw(gateway.port, 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(raw.startsWith('HTTP/1.1 400')).toBe(true);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toEqual({
      errorMessages: [expect.any(String)],
      errors: {},
    });
    expect(await result).toEqual({ error: 'BAD_REQUEST_TARGET', status: 400 });
    expect(upstream.requests.length).toBe(before);
  });

  test('a chunked request body is streamed upstream intact', async () => {
    upstream.handle((req, res) => {
      const hash = createHash('sha256');
      req.on('data', (chunk: Buffer) => hash.update(chunk));
      req.on('end', () => res.end(hash.digest('hex')));
    });
    const body = randomBytes(300_000);
    const res = await new Promise<string>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: gateway.port, method: 'POST', path: '/jira/upload', agent: false },
        (r) => {
          let text = '';
          r.setEncoding('utf8');
          r.on('data', (c: string) => (text += c));
          r.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.write(body.subarray(0, 100_000));
      req.write(body.subarray(100_000));
      req.end();
    });
    expect(res).toBe(sha256(body));
  });
});

describe('response forwarding', () => {
  test('status, status text, repeated Set-Cookie kept; hop-by-hop and Connection-named headers removed', async () => {
    upstream.handle((_req, res) => {
      res.writeHead(299, 'Custom Reason', [
        'Set-Cookie',
        'JSESSIONID=abc; Path=/; HttpOnly',
        'Set-Cookie',
        'atlassian.xsrf.token=def; Path=/',
        'set-cookie',
        'third=1',
        'Connection',
        'X-Upstream-Hop',
        'X-Upstream-Hop',
        'secret',
        'Keep-Alive',
        'timeout=5',
        'Proxy-Authenticate',
        'Basic',
        'X-Seraph-LoginReason',
        'OK',
        'Content-Length',
        '2',
      ]);
      res.end('hi');
    });
    const seen: Array<{ status: number; cookies: unknown }> = [];
    gateway.options(() => ({
      clientIp: '127.0.0.1',
      proto: 'http',
      onResponseHead: (status, headers) => seen.push({ status, cookies: headers['set-cookie'] }),
    }));
    const result = gateway.nextResult();
    const res = await send(gateway.port, { path: '/jira/x' });
    expect(res.status).toBe(299);
    expect(res.statusMessage).toBe('Custom Reason');
    expect(res.body.toString()).toBe('hi');
    expect(headerValues(res.rawHeaders, 'set-cookie')).toEqual([
      'JSESSIONID=abc; Path=/; HttpOnly',
      'atlassian.xsrf.token=def; Path=/',
      'third=1',
    ]);
    expect(headerValues(res.rawHeaders, 'x-upstream-hop')).toEqual([]);
    expect(headerValues(res.rawHeaders, 'keep-alive')).toEqual([]);
    expect(headerValues(res.rawHeaders, 'proxy-authenticate')).toEqual([]);
    expect(headerValues(res.rawHeaders, 'x-seraph-loginreason')).toEqual(['OK']);
    expect(seen).toEqual([
      {
        status: 299,
        cookies: ['JSESSIONID=abc; Path=/; HttpOnly', 'atlassian.xsrf.token=def; Path=/', 'third=1'],
      },
    ]);
    const done = await result;
    expect(done).toMatchObject({ status: 299 });
    expect((done as { upstreamMs: number }).upstreamMs).toBeGreaterThanOrEqual(0);
  });

  test('onResponseHead gets a single Set-Cookie as an array too', async () => {
    upstream.handle((_req, res) => {
      res.setHeader('set-cookie', 'only=1');
      res.end();
    });
    let cookies: unknown;
    gateway.options(() => ({
      clientIp: '127.0.0.1',
      proto: 'http',
      onResponseHead: (_s, headers) => (cookies = headers['set-cookie']),
    }));
    await send(gateway.port);
    expect(cookies).toEqual(['only=1']);
  });

  test('HEAD, 204 and 304 carry no body', async () => {
    upstream.handle((req, res) => {
      if (req.url === '/204') res.writeHead(204).end();
      else if (req.url === '/304') res.writeHead(304, { etag: '"x"' }).end();
      else res.writeHead(200, { 'content-length': '5' }).end(req.method === 'HEAD' ? undefined : 'hello');
    });
    const head = await send(gateway.port, { method: 'HEAD', path: '/' });
    expect([head.status, head.headers['content-length'], head.body.length]).toEqual([200, '5', 0]);
    const noContent = await send(gateway.port, { path: '/204' });
    expect([noContent.status, noContent.body.length]).toEqual([204, 0]);
    const notModified = await send(gateway.port, { path: '/304' });
    expect([notModified.status, notModified.headers.etag, notModified.body.length]).toEqual([304, '"x"', 0]);
  });

  test('an onResponseHead callback that throws becomes a 502, and the gateway keeps serving', async () => {
    gateway.options(() => ({
      clientIp: '127.0.0.1',
      proto: 'http',
      onResponseHead: () => {
        throw new Error('bug in the caller');
      },
    }));
    const result = gateway.nextResult();
    const res = await send(gateway.port);
    expect(res.status).toBe(502);
    expect(await result).toEqual({ error: 'UPSTREAM_UNREACHABLE', status: 502 });
    gateway.options(() => ({ clientIp: '127.0.0.1', proto: 'http' }));
    expect((await send(gateway.port)).status).toBe(200);
  });
});

describe('streaming with backpressure', () => {
  test('a 16 MB upload to an upstream that reads slowly arrives intact, the gateway holding back the client', async () => {
    // Larger than the loopback socket buffers between gateway and upstream (about 4 MB here), so that
    // only backpressure, not the kernel, can keep the gateway from reading the whole body.
    const size = 16 * 1024 * 1024;
    const body = randomBytes(size);
    let stalled: { flowing: boolean | null; buffered: number; complete: boolean } | undefined;
    upstream.handle((req, res) => {
      const hash = createHash('sha256');
      let received = 0;
      const onData = (chunk: Buffer): void => {
        hash.update(chunk);
        received += chunk.length;
      };
      req.once('data', (first: Buffer) => {
        onData(first);
        req.pause();
        // The upstream stops reading; once the kernel buffers are full the gateway must stop reading
        // from the client rather than buffer the rest itself.
        setTimeout(() => {
          const gatewayReq = gateway.incoming.at(-1);
          if (gatewayReq !== undefined) {
            stalled = {
              flowing: gatewayReq.readableFlowing,
              buffered: gatewayReq.readableLength,
              complete: gatewayReq.complete,
            };
          }
          req.on('data', onData);
          req.on('end', () => res.end(JSON.stringify({ received, sha: hash.digest('hex') })));
          req.resume();
        }, 400);
      });
    });
    const res = await send(gateway.port, {
      method: 'PUT',
      path: '/jira/upload',
      body,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(JSON.parse(res.body.toString())).toEqual({ received: size, sha: sha256(body) });
    expect(stalled).toEqual({ complete: false, flowing: false, buffered: expect.any(Number) });
    expect(stalled?.buffered).toBeLessThanOrEqual(256 * 1024);
  });

  test('a 5 MB download to a client that reads slowly arrives intact, the gateway holding back the upstream', async () => {
    const body = randomBytes(FIVE_MB);
    upstream.handle((_req, res) => {
      res.writeHead(200, {
        'content-length': String(body.length),
        'content-type': 'application/octet-stream',
      });
      let offset = 0;
      const pump = (): void => {
        while (offset < body.length) {
          const chunk = body.subarray(offset, offset + 65_536);
          offset += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    let gatewayBuffered = -1;
    const received = await new Promise<Buffer>((resolve, reject) => {
      const req = http.get(
        { host: '127.0.0.1', port: gateway.port, path: '/jira/download', agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.once('data', (first: Buffer) => {
            chunks.push(first);
            res.pause();
            setTimeout(() => {
              gatewayBuffered = gateway.outgoing.at(-1)?.writableLength ?? -1;
              res.on('data', (chunk: Buffer) => chunks.push(chunk));
              res.on('end', () => resolve(Buffer.concat(chunks)));
              res.resume();
            }, 400);
          });
        },
      );
      req.on('error', reject);
    });
    expect(received.length).toBe(FIVE_MB);
    expect(sha256(received)).toBe(sha256(body));
    // What the gateway holds in memory for this client: one socket buffer's worth, not the body.
    expect(gatewayBuffered).toBeGreaterThanOrEqual(0);
    expect(gatewayBuffered).toBeLessThanOrEqual(256 * 1024);
  });

  test('an upstream answering before reading a large body still gets its answer to the client', async () => {
    upstream.handle((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"denied":true}');
    });
    const res = await send(gateway.port, {
      method: 'POST',
      path: '/jira/rest/x',
      body: randomBytes(FIVE_MB),
    });
    expect(res.status).toBe(401);
    expect(res.body.toString()).toBe('{"denied":true}');
  });
});

describe('upstream connections', () => {
  test('sequential requests reuse one kept-alive upstream connection', async () => {
    const isolated = await startUpstream();
    const gw = await startGatewayFor(isolated.url);
    try {
      for (let i = 0; i < 20; i++) expect((await send(gw.port)).status).toBe(200);
      expect(isolated.requests.length).toBe(20);
      expect(isolated.connections()).toBe(1);
      await Promise.all(Array.from({ length: 8 }, () => send(gw.port)));
      expect(isolated.connections()).toBeLessThanOrEqual(8);
    } finally {
      await gw.close();
      await isolated.close();
    }
  });

  test('connections caps the number of upstream sockets', async () => {
    const isolated = await startUpstream();
    isolated.handle((_req, res) => setTimeout(() => res.end('ok'), 20));
    const gw = await startGateway({ upstreamUrl: isolated.url, connections: 2 });
    try {
      const statuses = await Promise.all(
        Array.from({ length: 10 }, () => send(gw.port).then((r) => r.status)),
      );
      expect(statuses).toEqual(Array.from({ length: 10 }, () => 200));
      expect(isolated.connections()).toBe(2);
    } finally {
      await gw.close();
      await isolated.close();
    }
  });
});

describe('failures', () => {
  test('upstream down: 502 in the Atlassian shape, and the gateway stays up', async () => {
    const closed = net.createServer();
    const deadPort = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const gw = await startGateway({ upstreamUrl: `http://127.0.0.1:${deadPort}` });
    try {
      const result = gw.nextResult();
      const res = await send(gw.port, {
        method: 'POST',
        path: '/rest/api/2/issue',
        body: 'x'.repeat(10_000),
      });
      expect(res.status).toBe(502);
      expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(JSON.parse(res.body.toString())).toEqual({
        errorMessages: [expect.stringMatching(/could not be reached/)],
        errors: {},
      });
      expect(await result).toEqual({ error: 'UPSTREAM_UNREACHABLE', status: 502 });
      expect((await send(gw.port)).status).toBe(502);
    } finally {
      await gw.close();
    }
  });

  test('upstream slower than responseTimeoutMs: 504, and the next request works', async () => {
    const slow = await startUpstream();
    slow.handle((req, res) => {
      if (req.url === '/slow') setTimeout(() => res.end('late'), 1_500).unref();
      else res.end('fast');
    });
    const gw = await startGateway({ upstreamUrl: slow.url, responseTimeoutMs: 200 });
    try {
      const result = gw.nextResult();
      const res = await send(gw.port, { path: '/slow' });
      expect(res.status).toBe(504);
      expect(JSON.parse(res.body.toString())).toEqual({
        errorMessages: [expect.stringMatching(/did not answer in time/)],
        errors: {},
      });
      expect(await result).toEqual({ error: 'UPSTREAM_TIMEOUT', status: 504 });
      const next = await send(gw.port, { path: '/fast' });
      expect([next.status, next.body.toString()]).toEqual([200, 'fast']);
    } finally {
      await gw.close();
      await slow.close();
    }
  });

  test('upstream silent mid-body beyond responseTimeoutMs: the client connection is cut', async () => {
    const slow = await startUpstream();
    slow.handle((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    const gw = await startGateway({ upstreamUrl: slow.url, responseTimeoutMs: 200 });
    try {
      const result = gw.nextResult();
      await expect(send(gw.port)).rejects.toThrow();
      expect(await result).toEqual({ error: 'UPSTREAM_TIMEOUT', status: 504 });
    } finally {
      await gw.close();
      await slow.close();
    }
  });

  test('upstream resets mid-response: the client connection closes, no crash, the next request works', async () => {
    upstream.handle((req, res) => {
      if (req.url !== '/reset') {
        res.end('fine');
        return;
      }
      res.writeHead(200, { 'content-length': '1000000' });
      res.write(Buffer.alloc(50_000, 1), () => res.socket?.resetAndDestroy());
    });
    const result = gateway.nextResult();
    await expect(send(gateway.port, { path: '/reset' })).rejects.toThrow();
    expect(await result).toEqual({ error: 'UPSTREAM_UNREACHABLE', status: 502 });
    const next = await send(gateway.port, { path: '/after' });
    expect([next.status, next.body.toString()]).toEqual([200, 'fine']);
  });

  test('upstream closes before answering: 502', async () => {
    upstream.handle((req) => req.socket.destroy());
    const res = await send(gateway.port, { path: '/drop' });
    expect(res.status).toBe(502);
  });
});

describe('client aborts', () => {
  test('a client leaving mid-stream releases the upstream request', async () => {
    let upstreamClosed = false;
    let interval: NodeJS.Timeout | undefined;
    upstream.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      interval = setInterval(() => res.write(Buffer.alloc(1024)), 5);
      res.on('close', () => {
        upstreamClosed = true;
        clearInterval(interval);
      });
    });
    const result = gateway.nextResult();
    await new Promise<void>((resolve, reject) => {
      const req = http.get(
        { host: '127.0.0.1', port: gateway.port, path: '/jira/stream', agent: false },
        (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        },
      );
      req.on('error', () => {});
      req.on('close', () => resolve());
      setTimeout(() => reject(new Error('no data')), 5_000).unref();
    });
    await waitFor(() => upstreamClosed);
    expect(await result).toEqual({ error: 'CLIENT_ABORTED', status: 499 });
    clearInterval(interval);
  });

  test('a client leaving before the response head releases the upstream request', async () => {
    let upstreamClosed = false;
    let arrived = false;
    upstream.handle((_req, res) => {
      arrived = true;
      res.on('close', () => (upstreamClosed = true));
    });
    const result = gateway.nextResult();
    const socket = net.connect(gateway.port, '127.0.0.1', () =>
      socket.write('GET /jira/wait HTTP/1.1\r\nHost: x\r\n\r\n'),
    );
    socket.on('error', () => {});
    await waitFor(() => arrived);
    socket.destroy();
    await waitFor(() => upstreamClosed);
    expect(await result).toEqual({ error: 'CLIENT_ABORTED', status: 499 });
  });

  test('a client leaving mid-upload releases the upstream request', async () => {
    let upstreamClosed = false;
    let arrived = false;
    upstream.handle((req, res) => {
      arrived = true;
      req.resume();
      res.on('close', () => (upstreamClosed = true));
    });
    const result = gateway.nextResult();
    const socket = net.connect(gateway.port, '127.0.0.1', () =>
      socket.write(
        'POST /jira/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n' + 'a'.repeat(1000),
      ),
    );
    socket.on('error', () => {});
    await waitFor(() => arrived);
    socket.destroy();
    await waitFor(() => upstreamClosed);
    expect(await result).toEqual({ error: 'CLIENT_ABORTED', status: 499 });
  });
});

describe('request smuggling', () => {
  test.each([
    [
      'Content-Length with Transfer-Encoding',
      'POST /jira/a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /jira/smuggled HTTP/1.1\r\nHost: x\r\n\r\n',
    ],
    [
      'Transfer-Encoding with Content-Length',
      'POST /jira/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 50\r\n\r\n0\r\n\r\nGET /jira/smuggled HTTP/1.1\r\nHost: x\r\n\r\n',
    ],
    [
      'two different Content-Length headers',
      'POST /jira/a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 44\r\n\r\nGET /jira/smuggled HTTP/1.1\r\nHost: x\r\n\r\n',
    ],
    [
      'obfuscated Transfer-Encoding',
      'POST /jira/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n0\r\n\r\nGET /jira/smuggled HTTP/1.1\r\nHost: x\r\n\r\n',
    ],
    [
      'a space before the colon',
      'POST /jira/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\nGET /jira/smuggled HTTP/1.1\r\nHost: x\r\n\r\n',
    ],
  ])('%s is refused by the parser and the upstream never sees a second request', async (_name, bytes) => {
    upstream.handle((req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    const before = upstream.requests.length;
    const raw = await sendRaw(gateway.port, bytes);
    expect(raw.startsWith('HTTP/1.1 400')).toBe(true);
    expect(raw.match(/HTTP\/1\.1 /g)?.length).toBe(1);
    // Give a smuggled request every chance to arrive before checking that none did.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(upstream.requests.slice(before).filter((r) => r.url.includes('smuggled'))).toEqual([]);
    expect(upstream.requests.length - before).toBe(0);
  });
});

describe('relay', () => {
  test('reports each result to its callback exactly once, as forward resolves it', async () => {
    const proxy = createReverseProxy({ upstreamUrl: upstream.url });
    const reports: ForwardResult[][] = [];
    const server = http.createServer((req, res) => {
      const mine: ForwardResult[] = [];
      reports.push(mine);
      proxy.relay(req, res, { clientIp: '127.0.0.1', proto: 'http' }, (result) => mine.push(result));
    });
    const port = await listen(server);
    try {
      upstream.handle((_req, res) => res.end('relayed'));
      const answered = await send(port, { path: '/jira/relay' });
      expect(answered.body.toString()).toBe('relayed');
      const refused = await send(port, { path: '*', method: 'OPTIONS' });
      expect(refused.status).toBe(400);
      await waitFor(() => reports.length === 2 && reports.every((mine) => mine.length > 0));
      // Late duplicates would show up here.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(reports.map((mine) => mine.length)).toEqual([1, 1]);
      expect(reports[0]?.[0]).toMatchObject({ status: 200 });
      expect(reports[1]?.[0]).toEqual({ error: 'BAD_REQUEST_TARGET', status: 400 });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await proxy.close();
    }
  });
});

async function startGatewayFor(url: string): Promise<Gateway> {
  return startGateway({ upstreamUrl: url });
}

// Keeps the type of results visible in editors when debugging.
export type { ForwardResult };
