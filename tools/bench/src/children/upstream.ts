/**
 * The minimal upstream: a node:http server on loopback that answers every path with a small JSON
 * document, and paths containing `/large` with 256 KB of JSON. It stands in for Jira only as far as
 * proxied traffic goes; the gateway's product look-ups never reach it (see `bench-product.ts`).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveCommands } from '../child-process.js';

/** Size of the large answer. */
export const LARGE_RESPONSE_BYTES = 256 * 1024;

const small = Buffer.from(
  JSON.stringify({ id: '10000', key: 'BENCH-1', fields: { summary: 'A small JSON answer', status: 'Open' } }),
);
const item = JSON.stringify({ id: '10000', key: 'BENCH-1', summary: 'x'.repeat(40) });
const large = Buffer.alloc(LARGE_RESPONSE_BYTES, ' ');
{
  const items: string[] = [];
  let length = 2;
  while (length + item.length + 1 < LARGE_RESPONSE_BYTES) {
    items.push(item);
    length += item.length + 1;
  }
  large.write(`[${items.join(',')}]`);
}

let served = 0;
const server = createServer({ keepAliveTimeout: 75_000 }, (req, res) => {
  served++;
  const body = (req.url ?? '').includes('/large') ? large : small;
  // Drain a request body (none in the benchmark) before answering, as a real server would.
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 75_000;
server.listen(0, '127.0.0.1', () => {
  serveCommands({ type: 'ready', port: (server.address() as AddressInfo).port }, { served: () => served });
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
