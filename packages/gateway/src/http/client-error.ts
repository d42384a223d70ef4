/**
 * Requests Node's HTTP parser refuses before any handler runs — a method or header line it cannot
 * parse, a control character in a header value, headers over the size limit, a request that took too
 * long to arrive — get a bare status line from Node by default. Answering them in the Atlassian error
 * shape too keeps DESIGN §2's promise that every refusal a client gets from the gateway parses the
 * same way (issue 7: fuzzed `Authorization` headers and request targets).
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { atlassianErrorBody } from './error-response.js';

const MESSAGES: Readonly<Record<400 | 408 | 431, string>> = {
  400: 'The request is not valid HTTP/1.1: check the method, the request target and the header lines (no control characters).',
  408: 'The request did not arrive in time; send it again.',
  431: 'The request headers are too large; send smaller headers (for example a shorter Authorization or Cookie header, or a shorter URL).',
};

function statusFor(code: string | undefined): 400 | 408 | 431 {
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

/**
 * The bytes of the answer to a request the parser refused: a complete HTTP/1.1 response that closes
 * the connection, with an Atlassian error body.
 *
 * @example
 * ```ts
 * clientErrorResponse('HPE_HEADER_OVERFLOW'); // 'HTTP/1.1 431 Request Header Fields Too Large\r\n…{"errorMessages":[…],"errors":{}}'
 * ```
 */
export function clientErrorResponse(code: string | undefined): string {
  const status = statusFor(code);
  const body = atlassianErrorBody(MESSAGES[status]);
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'content-type: application/json;charset=UTF-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'cache-control: no-store',
    'connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * A `clientError` listener for `http.Server`. Like Node's default, it answers only when nothing of a
 * response is on the wire yet (otherwise the error bytes would corrupt it) and just drops a connection
 * the peer already reset.
 *
 * @example
 * ```ts
 * server.on('clientError', answerClientError);
 * ```
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // `_httpMessage` is the response in flight on this connection, the same check Node's default makes.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  socket.end(clientErrorResponse(error.code));
}
