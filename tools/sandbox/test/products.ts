import { startConfluenceSandbox, startJiraSandbox } from '../src/index.js';
import type { Sandbox, SandboxOptions } from '../src/index.js';

export const basic = (user: string, password = user): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** What a product-parameterised test needs to know about one sandbox product. */
export interface ProductUnderTest {
  name: 'jira' | 'confluence';
  start(options?: SandboxOptions): Promise<Sandbox>;
  /** The "who am I" resource the adapters call for cookies and passwords. */
  whoAmIPath: string;
  /** The username the who-am-I body names, or null for anonymous. */
  whoAmI(res: Response): Promise<string | null>;
  /** An ordinary resource that needs a logged-in user. */
  resourcePath: string;
  loginFormPath: string;
  loginSubmitPath: string;
  homePath: string;
  auditPagePath: string;
  /** Atlassian error shape: the message(s) of an error body. */
  errorMessage(body: unknown): string;
}

export const jiraProduct: ProductUnderTest = {
  name: 'jira',
  start: (options) => startJiraSandbox(options),
  whoAmIPath: '/rest/api/2/myself',
  async whoAmI(res) {
    if (res.status === 401) return null;
    return ((await res.json()) as { name: string }).name;
  },
  resourcePath: '/rest/api/2/issue/DEMO-1',
  loginFormPath: '/login.jsp',
  loginSubmitPath: '/login.jsp',
  homePath: '/secure/Dashboard.jspa',
  auditPagePath: '/auditing/view',
  errorMessage: (body) => (body as { errorMessages: string[] }).errorMessages.join(' '),
};

export const confluenceProduct: ProductUnderTest = {
  name: 'confluence',
  start: (options) => startConfluenceSandbox(options),
  whoAmIPath: '/rest/api/user/current',
  async whoAmI(res) {
    const body = (await res.json()) as { type: string; username?: string };
    return body.type === 'anonymous' ? null : (body.username ?? null);
  },
  resourcePath: '/rest/api/content/1001',
  loginFormPath: '/login.action',
  loginSubmitPath: '/dologin.action',
  homePath: '/index.action',
  auditPagePath: '/admin/auditlogging.action',
  errorMessage: (body) => (body as { message: string }).message,
};

export const products = [jiraProduct, confluenceProduct];

/** The `name=value` part of a Set-Cookie header. */
export function sessionCookie(res: Response): string {
  const cookie = res.headers.get('set-cookie') ?? '';
  const match = /JSESSIONID=[0-9A-F]+/.exec(cookie);
  if (!match) throw new Error(`no session cookie in "${cookie}"`);
  return match[0];
}
