/**
 * The floor for any Node proxy: a node:http server and the gateway's own streaming reverse proxy (the
 * same undici `Pool` and dispatch handler, the same header processing), with no policy, no logging,
 * no storage. Whatever the gateway costs beyond this is the price of authentication.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createReverseProxy } from '@api-token-auth/gateway';
import { serveCommands } from '../child-process.js';

const upstreamUrl = process.env.BENCH_UPSTREAM_URL;
if (upstreamUrl === undefined) throw new Error('BENCH_UPSTREAM_URL is required');
const proxy = createReverseProxy({ upstreamUrl });
/** The gateway logs and counts each result; the floor does nothing with it. */
const ignoreResult = (): void => {};
const server = createServer(
  { headersTimeout: 20_000, requestTimeout: 600_000, keepAliveTimeout: 75_000 },
  (req, res) => {
    proxy.relay(
      req,
      res,
      { clientIp: req.socket.remoteAddress ?? '', proto: 'http', removeHeaders: [] },
      ignoreResult,
    );
  },
);
server.keepAliveTimeout = 75_000;
server.listen(0, '127.0.0.1', () => {
  serveCommands({ type: 'ready', port: (server.address() as AddressInfo).port }, {});
});
process.once('SIGTERM', () => {
  server.close(() => void proxy.close().then(() => process.exit(0)));
  server.closeAllConnections();
});
