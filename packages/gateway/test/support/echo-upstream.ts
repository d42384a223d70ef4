/**
 * A real HTTP upstream for tests: it echoes what arrived (method, URL, every header as received) and
 * checks Basic passwords like the product would, answering failures with 401 and Seraph's header.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeProduct } from './fake-product.js';

export interface EchoedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

export interface EchoUpstream {
  url: string;
  /** Requests received, oldest first. */
  received: EchoedRequest[];
  /** Password checks that failed at the upstream (the product's own failed-login count). */
  failedPasswordChecks: number;
  close(): Promise<void>;
}

export async function startEchoUpstream(product: FakeProduct): Promise<EchoUpstream> {
  const received: EchoedRequest[] = [];
  const state = { failedPasswordChecks: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const echoed: EchoedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(echoed);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      let status = 200;
      const authorization = req.headers.authorization;
      const basic = authorization === undefined ? null : /^basic\s+(\S+)$/i.exec(authorization);
      if (basic !== null) {
        const text = Buffer.from(basic[1] ?? '', 'base64').toString('utf8');
        const colon = text.indexOf(':');
        const user = product.users.get(text.slice(0, colon).toLowerCase());
        if (user !== undefined && user.active && user.password === text.slice(colon + 1)) {
          headers['x-seraph-loginreason'] = 'OK';
        } else {
          state.failedPasswordChecks += 1;
          status = 401;
          headers['x-seraph-loginreason'] = 'AUTHENTICATED_FAILED';
        }
      }
      res.writeHead(status, headers);
      res.end(JSON.stringify(echoed));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get failedPasswordChecks() {
      return state.failedPasswordChecks;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
