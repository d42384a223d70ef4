import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { consumeBody } from '../http/body.js';
import { sendJson } from '../http/respond.js';
import type { Route } from './product.js';

/** Largest generated response and largest counted upload, in KiB. */
export const MAX_BIG_KIB = 1024 * 1024;
const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;
const CHUNK = 16 * 1024;

/**
 * Byte `i` of every generated body is `i % 251`: a prime period, so a dropped, duplicated or reordered
 * chunk of any power-of-two size shows up when a test compares the bytes.
 *
 * @example
 * ```ts
 * const body = Buffer.from(await (await fetch(`${jira.url}/rest/api/2/big?kb=4`)).arrayBuffer());
 * body.every((byte, i) => byte === bigBodyByte(i)); // true
 * ```
 */
export function bigBodyByte(index: number): number {
  return index % 251;
}

function chunkAt(offset: number, length: number): Buffer {
  const chunk = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i += 1) chunk[i] = bigBodyByte(offset + i);
  return chunk;
}

/**
 * `GET <prefix>/big?kb=N` streams N KiB; `POST <prefix>/big` consumes a body of any size as it streams
 * and answers its length and SHA-256, for proxy streaming tests in both directions.
 */
export function bigRoutes(prefix: string): Route[] {
  return [
    {
      method: 'GET',
      path: `${prefix}/big`,
      auth: 'anyone',
      async handle(ctx) {
        const raw = ctx.query.get('kb') ?? '1';
        const kib = /^\d{1,7}$/.test(raw) ? Number(raw) : Number.NaN;
        if (!Number.isInteger(kib) || kib > MAX_BIG_KIB) {
          ctx.error(400, `kb must be a whole number from 0 to ${MAX_BIG_KIB}.`, { kb: 'invalid' });
          return;
        }
        const total = kib * 1024;
        const { res } = ctx;
        res.statusCode = 200;
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', total);
        let aborted = false;
        res.once('close', () => (aborted = true));
        for (let offset = 0; offset < total && !aborted; offset += CHUNK) {
          if (!res.write(chunkAt(offset, Math.min(CHUNK, total - offset)))) {
            await Promise.race([once(res, 'drain'), once(res, 'close')]);
          }
        }
        res.end();
      },
    },
    {
      method: 'POST',
      path: `${prefix}/big`,
      auth: 'anyone',
      async handle(ctx) {
        const hash = createHash('sha256');
        const bytes = await consumeBody(ctx.req, MAX_UPLOAD_BYTES, (chunk) => hash.update(chunk));
        sendJson(ctx.res, 200, { bytes, sha256: hash.digest('hex') });
      },
    },
  ];
}
