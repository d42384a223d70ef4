/**
 * Until the web UI arrives (issue 5), the two page paths answer with a small server-rendered page that
 * says so. The UI plugs in through {@link UiHandler}; it uses only the management REST API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Settings } from '@api-token-auth/token-policy';
import type { UiHandler } from './request-handler.js';

/** What the gateway gives a UI implementation when it mounts it. */
export interface UiMountContext {
  contextPath: string;
  /** `<ctx>/rest/api-token-auth/1.0`: the only back end the UI's pages may use. */
  apiBase: string;
  productName: string;
  /** Context-relative path of the product's login page, e.g. `/login.jsp`. */
  loginPagePath: string;
  /** Absolute path of the product's login page (context path included). */
  loginPath: string;
  /** Who the request's product session cookie belongs to; `null` = not logged in. Throws when the product is down. */
  identify(
    req: IncomingMessage,
  ): Promise<{ username: string; displayName?: string; isAdmin: boolean } | null>;
  /** Current system-wide settings (e.g. for the "only admins" info box). */
  settings(): Settings;
}

const PAGES: Record<string, string> = {
  tokens: 'API tokens',
  admin: 'API Token Authentication administration',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * @example
 * ```ts
 * const ui = createUiPlaceholder({ apiBase: '/rest/api-token-auth/1.0', productName: 'Jira' });
 * ```
 */
export function createUiPlaceholder(context: Pick<UiMountContext, 'apiBase' | 'productName'>): UiHandler {
  return {
    handle(req: IncomingMessage, res: ServerResponse, page: string) {
      const title = PAGES[page];
      if (title === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) {
        const status = title === undefined ? 404 : 405;
        res.writeHead(status, {
          'content-type': 'text/plain; charset=utf-8',
          ...(status === 405 ? { allow: 'GET, HEAD' } : {}),
        });
        res.end(status === 404 ? 'No such page\n' : 'Use GET\n');
        return;
      }
      const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} - ${escapeHtml(context.productName)}</title></head>
<body><main><h1>${escapeHtml(title)}</h1>
<p>The web interface arrives with issue 5. Until then, use the REST API at <code>${escapeHtml(context.apiBase)}</code>.</p>
</main></body></html>
`;
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
        'content-security-policy': "default-src 'none'; style-src 'self'",
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    },
  };
}
