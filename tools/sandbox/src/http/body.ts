import type { IncomingMessage } from 'node:http';

/** Largest JSON or form body the sandbox accepts, like a servlet container's `maxPostSize`. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Why a request body was refused; the route answers 400 or 413 with the product's error shape. */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/**
 * Feeds the body to `onChunk` as it streams in, refusing more than `limit` bytes. After a refusal the rest
 * of the body is read and discarded rather than the stream destroyed, so the client still gets the answer
 * and the connection stays usable.
 */
export function consumeBody(
  req: IncomingMessage,
  limit: number,
  onChunk: (chunk: Buffer) => void,
): Promise<number> {
  const tooLarge = (): BodyError => new BodyError(413, `The request body is larger than ${limit} bytes.`);
  const declared = Number(req.headers['content-length']);
  return new Promise<number>((resolve, reject) => {
    let size = 0;
    let settled = false;
    const fail = (error: BodyError): void => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    if (Number.isFinite(declared) && declared > limit) fail(tooLarge());
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) fail(tooLarge());
      else onChunk(chunk);
    });
    req.once('end', () => {
      if (settled) return;
      settled = true;
      resolve(size);
    });
    req.once('close', () => fail(new BodyError(400, 'The request body was cut off.')));
    req.resume();
  });
}

/** Reads the whole body, refusing more than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await consumeBody(req, limit, (chunk) => chunks.push(chunk));
  return Buffer.concat(chunks);
}

/** Reads and parses a JSON body; anything but a JSON document is a 400. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/(?:[\w.+-]*\+)?json\b/i.test(type)) {
    throw new BodyError(415, 'Send the body as JSON with "Content-Type: application/json".');
  }
  const text = (await readBody(req)).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyError(400, 'The request body is not valid JSON.');
  }
}

/** Reads an `application/x-www-form-urlencoded` body. */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
    throw new BodyError(415, 'Send the form as application/x-www-form-urlencoded.');
  }
  return new URLSearchParams((await readBody(req)).toString('utf8'));
}
