/**
 * A small HTTP relay between the adapter and the sandbox product that can be told to misbehave: be
 * down (nothing listening: connection refused), hold requests beyond the gateway's timeout, reset
 * connections, or swallow the answer after the product has acted on the request (a lost response,
 * the case that makes at-least-once delivery produce a duplicate). Faults apply to the requests a
 * matcher selects, so the product stays reachable for everything else the adapter asks it.
 */
import { Agent, createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the relay does to a matching request. */
export type Fault =
  /** Stop listening and drop every open connection: the next connect is refused. */
  | { kind: 'down' }
  /** Reset the connection as soon as the request head arrived. */
  | { kind: 'reset' }
  /** Hold the request for `ms`, then relay it (the gateway should have given up by then). */
  | { kind: 'hang'; ms: number }
  /** Relay the request, let the product answer, then reset the client connection instead of answering. */
  | { kind: 'lose-response' };

/** Chooses the requests a fault applies to; default every request. */
export type RequestMatcher = (method: string, path: string) => boolean;

/** A running relay. */
export interface FaultyUpstream {
  /** `http://127.0.0.1:PORT`: put this (plus the product's context path) into `ATA_UPSTREAM_URL`. */
  readonly origin: string;
  /** Where requests are relayed to: `http://HOST:PORT` of the product. */
  setTarget(origin: string): void;
  /**
   * Applies `fault` to matching requests, at most `times` of them (default unlimited); `null`
   * restores normal relaying (and listening, after `down`).
   */
  setFault(fault: Fault | null, options?: { match?: RequestMatcher; times?: number }): Promise<void>;
  /** How many requests a fault was applied to since the last `setFault`. */
  faulted(): number;
  /** Every request that reached the relay, with its raw header list (repeats and case kept). */
  readonly seen: Array<{ method: string; path: string; rawHeaders: string[] }>;
  close(): Promise<void>;
}

/** Headers that belong to one connection, not to the message (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade', 'trailer']);

function endToEnd(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (!HOP_BY_HOP.has(name.toLowerCase())) out.push(name, raw[i + 1] ?? '');
  }
  return out;
}

/**
 * @example
 * ```ts
 * const relay = await startFaultyUpstream();
 * const stack = await startStack({
 *   product: 'jira',
 *   env: { ATA_UPSTREAM_URL: relay.origin },
 *   prepareSandbox: (sandbox) => relay.setTarget(new URL(sandbox.url).origin),
 * });
 * await relay.setFault({ kind: 'reset' }, { match: (method, path) => path.startsWith('/rest/api/2/issue') });
 * ```
 */
export async function startFaultyUpstream(): Promise<FaultyUpstream> {
  let target = '';
  let fault: Fault | null = null;
  let match: RequestMatcher = () => true;
  let remaining = Number.POSITIVE_INFINITY;
  let applied = 0;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const seen: FaultyUpstream['seen'] = [];

  function relay(req: IncomingMessage, res: ServerResponse, loseResponse: boolean): void {
    const url = new URL(target);
    const upstream = httpRequest(
      {
        host: url.hostname,
        port: Number(url.port),
        method: req.method,
        path: req.url,
        headers: endToEnd(req.rawHeaders),
        agent,
      },
      (answer) => {
        if (loseResponse) {
          // The product has acted on the request; the caller must never learn the outcome.
          answer.resume();
          answer.on('end', () => req.socket.resetAndDestroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.rawHeaders));
        answer.pipe(res);
      },
    );
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  }

  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method ?? 'GET', path: req.url ?? '/', rawHeaders: [...req.rawHeaders] });
    const selected = fault !== null && remaining > 0 && match(req.method ?? 'GET', req.url ?? '/');
    const current = selected ? fault : null;
    if (current !== null) {
      remaining -= 1;
      applied += 1;
    }
    if (current?.kind === 'reset' || current?.kind === 'down') {
      req.socket.resetAndDestroy();
      return;
    }
    if (current?.kind === 'hang') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!req.socket.destroyed) relay(req, res, false);
      }, current.ms);
      timers.add(timer);
      return;
    }
    relay(req, res, current?.kind === 'lose-response');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) {
        resolve();
        return;
      }
      server.close(() => resolve());
      for (const socket of sockets) socket.resetAndDestroy();
    });

  await listen();
  return {
    origin: `http://127.0.0.1:${port}`,
    setTarget(origin) {
      target = origin;
    },
    async setFault(next, options = {}) {
      fault = next;
      match = options.match ?? (() => true);
      remaining = options.times ?? Number.POSITIVE_INFINITY;
      applied = 0;
      if (next?.kind === 'down') await stopListening();
      else if (!server.listening) await listen();
    },
    faulted: () => applied,
    seen,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      await stopListening();
      agent.destroy();
    },
  };
}
