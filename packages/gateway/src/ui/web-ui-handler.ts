/**
 * Optional ready-made request handler around {@link renderUiPage} and {@link readUiAsset}: routes
 * `tokens`, `admin` and `assets/<name>` below `<ctx>/plugins/servlet/api-token-auth/`, makes a fresh
 * nonce per response and sets the security headers. The gateway supplies who the caller is and the
 * current settings; everything the pages do afterwards goes through the management REST API.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readUiAsset } from './assets.js';
import { escapeHtml } from './escape-html.js';
import { renderUiPage } from './render-page.js';
import { uiSecurityHeaders } from './security-headers.js';
import { UI_PATH, type UiContext, type UiPage } from './ui-context.js';

/** Options of {@link createWebUiHandler}. */
export interface WebUiHandlerOptions {
  /** The product's context path without a trailing slash (`''`, `'/confluence'`). */
  contextPath: string;
  productDisplayName: string;
  /** Context-relative path of the product's login page, e.g. `/login.jsp` or `/login.action`. */
  loginPagePath: string;
  /** Who the request's product session cookie belongs to; `null` = not logged in. May throw when the product is down. */
  identify(req: IncomingMessage): Promise<UiContext['caller']>;
  /** The current settings (only `adminOnly` is used, for the info box). */
  settings(): UiContext['settings'] | Promise<UiContext['settings']>;
  /** Called when `identify` or `settings` fails (the page then answers 503). */
  onError?(error: unknown): void;
}

/** What {@link createWebUiHandler} returns: structurally the gateway's `UiHandler`. */
export interface WebUiHandler {
  /** `page` is the path below the UI path without the leading slash: `tokens`, `admin`, `assets/app.js`. */
  handle(req: IncomingMessage, res: ServerResponse, page: string): Promise<void>;
}

function newNonce(): string {
  return randomBytes(16).toString('base64');
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
): void {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...headers, 'Content-Length': String(payload.length) });
  res.end(req.method === 'HEAD' ? undefined : payload);
}

function simplePage(title: string, text: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></main></body></html>\n`;
}

/**
 * Build the handler the gateway mounts below `<ctx>/plugins/servlet/api-token-auth/`.
 *
 * @example
 * const ui = createWebUiHandler({
 *   contextPath: '',
 *   productDisplayName: 'Jira',
 *   loginPagePath: '/login.jsp',
 *   identify: async (req) => {
 *     const who = await product.whoIs({ cookie: req.headers.cookie });
 *     return who && { ...who, isAdmin: await isAdmin(who.username) };
 *   },
 *   settings: () => settingsCache.current().settings,
 * });
 * // in the request handler: await ui.handle(req, res, 'tokens');
 */
export function createWebUiHandler(options: WebUiHandlerOptions): WebUiHandler {
  function serveAsset(req: IncomingMessage, res: ServerResponse, name: string): void {
    const asset = readUiAsset(name);
    if (!asset) {
      send(
        req,
        res,
        404,
        { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
        'Not found\n',
      );
      return;
    }
    const etag = `"${createHash('sha256').update(asset.body).digest('base64url').slice(0, 27)}"`;
    const headers = {
      ...uiSecurityHeaders(newNonce()),
      'Content-Type': asset.contentType,
      // Names are not content-hashed: revalidate every time, answered cheaply with 304.
      'Cache-Control': 'no-cache',
      ETag: etag,
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    send(req, res, 200, headers, asset.body);
  }

  async function servePage(req: IncomingMessage, res: ServerResponse, page: UiPage): Promise<void> {
    const nonce = newNonce();
    const headers = { ...uiSecurityHeaders(nonce), 'Content-Type': 'text/html; charset=utf-8' };
    let caller: UiContext['caller'];
    let settings: UiContext['settings'];
    try {
      caller = await options.identify(req);
      settings = await options.settings();
    } catch (error) {
      options.onError?.(error);
      send(
        req,
        res,
        503,
        { ...headers, 'Retry-After': '5' },
        simplePage(
          'Temporarily unavailable',
          `${options.productDisplayName} could not be asked who you are. Reload the page in a moment.`,
        ),
      );
      return;
    }
    const destination = encodeURIComponent(`${UI_PATH}/${page}`);
    const ctx: UiContext = {
      contextPath: options.contextPath,
      productDisplayName: options.productDisplayName,
      loginUrl: `${options.contextPath}${options.loginPagePath}?os_destination=${destination}`,
      caller,
      settings: { adminOnly: settings.adminOnly },
    };
    const rendered = renderUiPage(page, ctx, nonce);
    send(req, res, rendered.status, headers, rendered.html);
  }

  return {
    async handle(req, res, page) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(req, res, 405, { 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' }, 'Use GET\n');
        return;
      }
      if (page === 'tokens' || page === 'admin') {
        await servePage(req, res, page);
        return;
      }
      if (page.startsWith('assets/')) {
        serveAsset(req, res, page.slice('assets/'.length));
        return;
      }
      send(
        req,
        res,
        404,
        { ...uiSecurityHeaders(newNonce()), 'Content-Type': 'text/html; charset=utf-8' },
        simplePage('Page not found', 'There is no such API Token Authentication page.'),
      );
    },
  };
}
