/**
 * Real-socket harness for the reverse proxy tests: an upstream node:http server whose behaviour each
 * test sets, a gateway server forwarding through `createReverseProxy`, and a small client.
 */
import * as http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createReverseProxy } from '../src/proxy/reverse-proxy.js';
import type { ForwardOptions, ForwardResult, ReverseProxy, ReverseProxyOptions } from '../src/proxy/types.js';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface Upstream {
  port: number;
  url: string;
  /** Sockets the upstream accepted so far. */
  connections(): number;
  /** Requests the upstream received so far (method and raw URL). */
  requests: Array<{ method: string; url: string; rawHeaders: string[] }>;
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export async function listen(server: http.Server | net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export async function startUpstream(): Promise<Upstream> {
  let handler: Handler = (_req, res) => res.end('ok');
  let connections = 0;
  const requests: Upstream['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders });
    handler(req, res);
  });
  server.on('connection', () => connections++);
  const port = await listen(server);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    requests,
    handle(next) {
      handler = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Gateway {
  port: number;
  proxy: ReverseProxy;
  results: ForwardResult[];
  /** The gateway-side requests and responses, newest last. */
  incoming: IncomingMessage[];
  outgoing: ServerResponse[];
  options(next: (req: IncomingMessage) => ForwardOptions): void;
  /** Resolves with the next forward result. */
  nextResult(): Promise<ForwardResult>;
  close(): Promise<void>;
}

export async function startGateway(proxyOptions: ReverseProxyOptions): Promise<Gateway> {
  const proxy = createReverseProxy(proxyOptions);
  const results: ForwardResult[] = [];
  const incoming: IncomingMessage[] = [];
  const outgoing: ServerResponse[] = [];
  const waiters: Array<(result: ForwardResult) => void> = [];
  let makeOptions = (_req: IncomingMessage): ForwardOptions => ({ clientIp: '127.0.0.1', proto: 'http' });
  const server = http.createServer((req, res) => {
    incoming.push(req);
    outgoing.push(res);
    void proxy.forward(req, res, makeOptions(req)).then((result) => {
      results.push(result);
      waiters.shift()?.(result);
    });
  });
  const port = await listen(server);
  return {
    port,
    proxy,
    results,
    incoming,
    outgoing,
    options(next) {
      makeOptions = next;
    },
    nextResult: () => new Promise((resolve) => waiters.push(resolve)),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await proxy.close();
    },
  };
}

export interface ClientResponse {
  status: number;
  statusMessage: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

export interface SendOptions {
  method?: string;
  path?: string;
  headers?: http.OutgoingHttpHeaders | string[];
  body?: Buffer | string;
  agent?: http.Agent | false;
}

/** One request; rejects when the connection fails or is cut mid-response. */
export function send(port: number, options: SendOptions = {}): Promise<ClientResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers,
        agent: options.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('response aborted')));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            statusMessage: res.statusMessage ?? '',
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Sends raw bytes on a new socket and collects everything until the peer closes (or `ms` passes). */
export function sendRaw(port: number, bytes: string, ms = 1_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), ms);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
  });
}

/** Values of one header in a raw header list, any case, in order. */
export function headerValues(rawHeaders: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() === name.toLowerCase())
      values.push(rawHeaders[i + 1] as string);
  }
  return values;
}

export function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = (): void => {
      if (condition()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error('condition not met in time'));
      else setTimeout(check, 10);
    };
    check();
  });
}
