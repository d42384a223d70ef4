/**
 * The authentication pipeline (DESIGN §2 "Authentication policy"): it fetches exactly the facts the
 * core's staged decision asks for — lockout status, the token check, the owner — and returns the
 * final decision. It decides nothing itself; carrying the decision out (proxying, answering) belongs
 * to the caller, so the proxy path and the management API apply the very same rules.
 */
import {
  canonicalIp,
  classifyAuthorization,
  decideAuthentication,
  failureKeys,
  normaliseUsername,
  type AuthDecision,
  type AuthDecisionInput,
  type Credential,
} from '@api-token-auth/token-policy';
import type { Logger } from 'pino';
import type { FailedLoginRepository } from '../store/store.js';
import { createAttemptGate, type AttemptGate } from './attempt-gate.js';
import type { SettingsCache } from './settings-cache.js';
import type { TokenVerifier } from './token-verifier.js';
import type { DirectoryUser, UserDirectory } from './user-directory.js';

/** A decision the caller carries out (never `need`). */
export type FinalDecision = Exclude<AuthDecision, { outcome: 'need' }>;

/** What one request presents. */
export interface AuthenticationRequest {
  /** The raw `Authorization` header (`undefined` when absent). */
  authorization: string | undefined;
  /** Client address after the trusted-proxy walk. */
  clientIp: string;
  /** No `Authorization`, and a POST to the product's REST password-login endpoint. */
  isRestSessionLogin?: boolean;
}

/** The pipeline's answer. */
export interface Authentication {
  decision: FinalDecision;
  credential: Credential;
  /** Canonical client address (IPv4-mapped shown as IPv4). */
  clientIp: string;
  /** Counter keys of this request (including a Bearer token's owner once known). */
  failureKeys: string[];
  /** The token owner as the product reported it, for `forward-as-user`. */
  owner?: DirectoryUser;
}

export interface AuthenticationPipeline {
  authenticate(request: AuthenticationRequest): Promise<Authentication>;
  /** Count one failed login for each key (atomic per key in the store). */
  countFailure(keys: readonly string[]): Promise<void>;
  /** A password was accepted by the product: reset that user's counter. */
  recordSuccess(keys: readonly string[]): Promise<void>;
}

/** Options of {@link createAuthenticationPipeline}. */
export interface AuthenticationPipelineOptions {
  settings: SettingsCache;
  failedLogins: Pick<FailedLoginRepository, 'status' | 'recordFailure' | 'recordSuccess'>;
  verifier: TokenVerifier;
  users: UserDirectory;
  clock: () => Date;
  logger?: Logger;
  /** Admission of cold token checks (default: a gate of its own on `clock`). */
  attemptGate?: AttemptGate;
  /** Counting hooks for metrics. */
  onLockout?: () => void;
  /** A final decision: `forward-as-user`, `forward-unchanged` or `reject`, with its reason. */
  onDecision?: (decision: FinalDecision, credential: Credential) => void;
  /** A token check that needed storage and bcrypt: whether the token was valid. */
  onTokenChecked?: (result: 'valid' | 'wrong-secret' | 'unknown-token') => void;
  /** A failure counted for a key; `locked` when that failure locked it. */
  onFailureCounted?: (key: string, locked: boolean) => void;
}

/** Stages per request: lockout, token, owner — anything beyond means the core and this loop disagree. */
const MAX_STAGES = 8;

/**
 * @example
 * ```ts
 * const pipeline = createAuthenticationPipeline({ settings, failedLogins: store.failedLogins, verifier, users, clock: () => new Date() });
 * const { decision } = await pipeline.authenticate({ authorization: req.headers.authorization, clientIp: '10.0.0.7' });
 * if (decision.outcome === 'forward-as-user') forwardAs(decision.username);
 * ```
 */
export function createAuthenticationPipeline(options: AuthenticationPipelineOptions): AuthenticationPipeline {
  const gate = options.attemptGate ?? createAttemptGate({ now: () => options.clock().getTime() });

  async function countFailure(keys: readonly string[]): Promise<void> {
    const now = options.clock();
    const policy = options.settings.current().settings.failedLogins;
    for (const key of keys) {
      const state = await options.failedLogins.recordFailure(key, now, policy);
      gate.failureCounted(key, state, policy);
      // The failure that locks sets the lock's end to now + lockoutMinutes; one while locked changes nothing.
      options.onFailureCounted?.(
        key,
        state.lockedUntil?.getTime() === now.getTime() + policy.lockoutMinutes * 60_000,
      );
    }
  }

  return {
    async authenticate(request) {
      const credential = classifyAuthorization(request.authorization);
      const clientIp = canonicalIp(request.clientIp) ?? request.clientIp;
      const { settings, allowList } = options.settings.current();
      const input: AuthDecisionInput = {
        credential,
        clientIp,
        allowList,
        settings,
        now: options.clock(),
        isRestSessionLogin: request.isRestSessionLogin === true,
      };
      let tokenOwner: string | undefined;
      let owner: DirectoryUser | undefined;
      /** Set while this attempt holds the gate: a cold token check that may end in a counted failure. */
      let leave: (() => void) | undefined;
      try {
        for (let stage = 0; stage < MAX_STAGES; stage += 1) {
          let decision = decideAuthentication(input);
          if (decision.outcome !== 'need') {
            if (decision.outcome === 'reject' && decision.code === 'LOCKED_OUT') options.onLockout?.();
            const keys = failureKeys(credential, clientIp, tokenOwner);
            if (leave !== undefined && decision.outcome === 'reject' && decision.countFailure) {
              // Counted before the gate opens for the next attempt on these keys; the caller has
              // nothing left to count.
              try {
                await countFailure(keys);
              } catch (error) {
                options.logger?.error({ err: error }, 'counting a failed login failed');
              }
              decision = { ...decision, countFailure: false };
            }
            options.onDecision?.(decision, credential);
            return owner === undefined
              ? { decision, credential, clientIp, failureKeys: keys }
              : { decision, credential, clientIp, failureKeys: keys, owner };
          }
          switch (decision.need) {
            case 'lockout':
              input.lockout = await options.failedLogins.status(
                failureKeys(credential, clientIp),
                input.now,
                settings.failedLogins,
              );
              break;
            case 'token': {
              if (credential.kind !== 'token')
                throw new Error('decision asked for a token without a token credential');
              let check = options.verifier.cached(credential.token);
              if (check === undefined) {
                const keys = failureKeys(credential, clientIp);
                leave = await gate.enter(keys, settings.failedLogins);
                // Attempts admitted after others failed must see the lock those failures set.
                input.now = options.clock();
                input.lockout = await options.failedLogins.status(keys, input.now, settings.failedLogins);
                if (input.lockout.locked) break;
                check = await options.verifier.verify(credential.token);
                options.onTokenChecked?.(
                  check.record === null ? 'unknown-token' : check.secretMatches ? 'valid' : 'wrong-secret',
                );
              }
              tokenOwner = check.record?.owner;
              input.token = check;
              break;
            }
            case 'owner': {
              if (tokenOwner === undefined) throw new Error('decision asked for the owner before the token');
              const found = await options.users.lookUp(tokenOwner);
              if (found !== null) owner = found;
              input.owner = found === null ? null : { active: found.user.active, isAdmin: found.isAdmin };
              break;
            }
          }
        }
        throw new Error('authentication decision did not settle');
      } finally {
        leave?.();
      }
    },
    countFailure,
    async recordSuccess(keys) {
      for (const key of keys) {
        if (!key.startsWith('user:')) continue;
        await options.failedLogins.recordSuccess(key);
        gate.reset(key);
      }
    },
  };
}

/**
 * The counter key of a username, as `failureKeys` builds it.
 *
 * @example
 * ```ts
 * userKey('Alice'); // 'user:alice'
 * ```
 */
export function userKey(username: string): string {
  return `user:${normaliseUsername(username)}`;
}
