/**
 * Who is calling the management API (DESIGN §2): a token or password in `Authorization`, under the
 * same pipeline rules as proxied requests (allow-list, lockout, counting), else the product session
 * cookie, checked by asking the product. No identity → 401.
 */
import type { IncomingMessage } from 'node:http';
import { isProductError, type Product } from '@api-token-auth/product-port';
import type { AuthenticationPipeline } from '../auth/authentication-pipeline.js';
import type { UserDirectory } from '../auth/user-directory.js';
import { ApiError } from './api-error.js';

/** An authenticated caller of the management API. */
export interface Caller {
  username: string;
  /** The product's user key, where known (audit actor). */
  key?: string;
  isAdmin: boolean;
  /** How the caller authenticated; `cookie` callers are subject to the XSRF rules. */
  via: 'token' | 'password' | 'other' | 'cookie';
}

/** Options of {@link createCallerIdentity}. */
export interface CallerIdentityOptions {
  pipeline: AuthenticationPipeline;
  users: UserDirectory;
  product: Pick<Product, 'whoIs' | 'displayName'>;
  clock: () => Date;
}

export interface CallerIdentity {
  identify(req: IncomingMessage, clientIp: string): Promise<Caller>;
}

/**
 * `Retry-After` seconds until a lock ends (at least 1).
 *
 * @example
 * ```ts
 * retryAfterSeconds(new Date(Date.now() + 1500), Date.now()); // '2'
 * ```
 */
export function retryAfterSeconds(until: Date, now: number): string {
  return String(Math.max(1, Math.ceil((until.getTime() - now) / 1000)));
}

/** Maps a product failure to 502/504 with a message that says what to do. */
export function productUnavailable(error: unknown, displayName: string): ApiError {
  const timeout = isProductError(error, 'PRODUCT_TIMEOUT');
  return new ApiError(
    timeout ? 504 : 502,
    `${displayName} did not answer in time while checking who you are; try again shortly`,
    {},
    { code: timeout ? 'PRODUCT_TIMEOUT' : 'PRODUCT_UNAVAILABLE' },
  );
}

/**
 * @example
 * ```ts
 * const callers = createCallerIdentity({ pipeline, users, product });
 * const caller = await callers.identify(request.raw, '10.0.0.7'); // throws ApiError 401/403/429
 * ```
 */
export function createCallerIdentity(options: CallerIdentityOptions): CallerIdentity {
  const { pipeline, users, product } = options;

  async function withGroups(
    username: string,
    via: Caller['via'],
    known?: { key?: string; isAdmin: boolean },
  ): Promise<Caller> {
    if (known !== undefined) {
      return known.key === undefined
        ? { username, isAdmin: known.isAdmin, via }
        : { username, key: known.key, isAdmin: known.isAdmin, via };
    }
    const found = await users.lookUp(username);
    if (found === null || !found.user.active) {
      throw new ApiError(
        401,
        'Your account is not active in the product; ask an administrator',
        {},
        { code: 'OWNER_INACTIVE' },
      );
    }
    const name = found.user.username;
    return found.user.key === undefined
      ? { username: name, isAdmin: found.isAdmin, via }
      : { username: name, key: found.user.key, isAdmin: found.isAdmin, via };
  }

  async function identifyUnsafe(req: IncomingMessage, clientIp: string): Promise<Caller> {
    const authorization = req.headers.authorization;
    if (authorization === undefined) {
      const cookie = req.headers.cookie;
      if (cookie === undefined || cookie === '') {
        throw new ApiError(
          401,
          'Authentication required: log in to the product, or send an API token or password in the Authorization header',
          {},
          { code: 'NO_IDENTITY' },
        );
      }
      const identity = await product.whoIs({ cookie });
      if (identity === null) {
        throw new ApiError(
          401,
          'Your session has expired or is not valid; log in to the product again',
          {},
          { code: 'SESSION_INVALID' },
        );
      }
      return withGroups(identity.username, 'cookie');
    }

    const result = await pipeline.authenticate({ authorization, clientIp });
    const { decision, credential } = result;
    if (decision.outcome === 'reject') {
      if (decision.countFailure) await pipeline.countFailure(result.failureKeys);
      const headers: Record<string, string> =
        decision.retryAfter === undefined
          ? {}
          : { 'Retry-After': retryAfterSeconds(decision.retryAfter, options.clock().getTime()) };
      throw new ApiError(decision.status, decision.message, {}, { headers, code: decision.code });
    }
    if (decision.outcome === 'forward-as-user') {
      const owner = result.owner;
      const known =
        owner === undefined
          ? undefined
          : { isAdmin: owner.isAdmin, ...(owner.user.key === undefined ? {} : { key: owner.user.key }) };
      return withGroups(decision.username, 'token', known);
    }
    // forward-unchanged: the product decides about a password or a foreign scheme.
    const identity = await product.whoIs({ authorization });
    if (credential.kind === 'password') {
      if (identity === null) {
        await pipeline.countFailure(result.failureKeys);
        throw new ApiError(401, 'Wrong username or password', {}, { code: 'PASSWORD_REJECTED' });
      }
      await pipeline.recordSuccess(result.failureKeys);
      return withGroups(identity.username, 'password');
    }
    if (identity === null) {
      throw new ApiError(
        401,
        `${product.displayName} did not accept these credentials`,
        {},
        { code: 'CREDENTIALS_REJECTED' },
      );
    }
    return withGroups(identity.username, 'other');
  }

  return {
    async identify(req, clientIp) {
      try {
        return await identifyUnsafe(req, clientIp);
      } catch (error) {
        if (error instanceof ApiError) throw error;
        if (isProductError(error)) throw productUnavailable(error, product.displayName);
        throw error;
      }
    },
  };
}
