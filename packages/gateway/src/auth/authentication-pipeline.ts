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
  type ParsedToken,
} from '@api-token-auth/token-policy';
import type { Logger } from 'pino';
import { constantTimeSameText } from '../crypto/keyed-digest.js';
import { createAttemptGate, type AttemptGate } from './attempt-gate.js';
import type { FailedLoginCounter } from './lockout-status-cache.js';
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
  /** The memo of the connection the request came on (see {@link CredentialMemo}); none = read afresh. */
  memo?: CredentialMemo;
}

/**
 * What one connection presented last (issue 6). A client sends the same `Authorization` header with
 * every request of a keep-alive connection, and reading it — classifying it, parsing a token, the keyed
 * digest that is the token's cache key — gives the same answer every time. The request handler keeps
 * one memo per connection (an empty object to start) and passes it with each request; the pipeline
 * reuses the reading when the header is the same text, compared in constant time, and reads it afresh
 * otherwise. Nothing that can change is remembered: the verified-token cache, lockouts, settings and
 * the owner are consulted on every request as before. The memo holds the header text only as long as
 * the connection lives, as the connection's own buffers do.
 */
export interface CredentialMemo {
  authorization?: string | undefined;
  reading?: CredentialReading;
}

/** An `Authorization` header read: its credential, and for a token its cache key once worked out. */
interface CredentialReading {
  readonly credential: Credential;
  tokenKey?: string;
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
  /** The time the decision was made for (e.g. a token's last use). */
  now: Date;
}

export interface AuthenticationPipeline {
  authenticate(request: AuthenticationRequest): Promise<Authentication>;
  /**
   * The same decision as `authenticate`, when every fact it needs is already in memory (a warm token,
   * an unlocked client's password, no credentials); `undefined` when a fact must be fetched (storage,
   * bcrypt, the product) — then call `authenticate`. A warm request is thus decided without a single
   * promise (issue 6: the hot path).
   */
  authenticateFromMemory(request: AuthenticationRequest): Authentication | undefined;
  /** Count one failed login for each key (atomic per key in the store). */
  countFailure(keys: readonly string[]): Promise<void>;
  /** A password was accepted by the product: reset that user's counter. */
  recordSuccess(keys: readonly string[]): Promise<void>;
}

/** Options of {@link createAuthenticationPipeline}. */
export interface AuthenticationPipelineOptions {
  settings: SettingsCache;
  /** The failed-login store, best behind `createLockoutStatusCache` (its memory answers warm requests). */
  failedLogins: FailedLoginCounter;
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
  /** Canonical forms of recent client addresses: the same few addresses arrive again and again. */
  const canonicalAddresses = new Map<string, string>();

  function canonicalClientIp(ip: string): string {
    let canonical = canonicalAddresses.get(ip);
    if (canonical === undefined) {
      canonical = canonicalIp(ip) ?? ip;
      if (canonicalAddresses.size >= 10_000) canonicalAddresses.clear();
      canonicalAddresses.set(ip, canonical);
    }
    return canonical;
  }

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

  /** One request on its way through the stages: the decision's input grows as facts arrive. */
  interface Attempt {
    credential: Credential;
    reading: CredentialReading;
    clientIp: string;
    input: AuthDecisionInput;
    tokenOwner?: string;
    owner?: DirectoryUser;
  }

  /** The request's header read, or the connection's reading of the same header text. */
  function read(request: AuthenticationRequest): CredentialReading {
    const { authorization, memo } = request;
    if (memo === undefined) return { credential: classifyAuthorization(authorization) };
    const last = memo.reading;
    if (last !== undefined && sameHeader(memo.authorization, authorization)) return last;
    const reading: CredentialReading = { credential: classifyAuthorization(authorization) };
    memo.authorization = authorization;
    memo.reading = reading;
    return reading;
  }

  /** The token's cache key, worked out once per reading. */
  function tokenKeyOf(attempt: Attempt, token: ParsedToken): string {
    let key = attempt.reading.tokenKey;
    if (key === undefined) {
      key = options.verifier.keyOf(token);
      attempt.reading.tokenKey = key;
    }
    return key;
  }

  function begin(request: AuthenticationRequest): Attempt {
    const reading = read(request);
    const { credential } = reading;
    const clientIp = canonicalClientIp(request.clientIp);
    const { settings, allowList } = options.settings.current();
    const input: AuthDecisionInput = {
      credential,
      clientIp,
      allowList,
      settings,
      now: options.clock(),
      isRestSessionLogin: request.isRestSessionLogin === true,
    };
    return { credential, reading, clientIp, input };
  }

  /**
   * `failureKeys(credential, clientIp)` of recent requests, by address and then by user name (the only
   * parts of a credential the keys are made from): the warm path reads the lockout status of the same
   * few keys on every request, and building them anew (parsing the address, normalising the name) is
   * work for nothing. Emptied when large; the arrays are frozen because they are shared.
   */
  const lockoutKeyMemo = new Map<string, Map<string, readonly string[]>>();

  function lockoutKeys(attempt: Attempt): readonly string[] {
    const { credential, clientIp } = attempt;
    const username = 'username' in credential ? (credential.username ?? '') : '';
    let byUsername = lockoutKeyMemo.get(clientIp);
    if (byUsername === undefined) {
      if (lockoutKeyMemo.size >= 10_000) lockoutKeyMemo.clear();
      byUsername = new Map();
      lockoutKeyMemo.set(clientIp, byUsername);
    }
    let keys = byUsername.get(username);
    if (keys === undefined) {
      keys = Object.freeze(failureKeys(credential, clientIp));
      if (byUsername.size >= 1_000) byUsername.clear();
      byUsername.set(username, keys);
    }
    return keys;
  }

  function conclude(attempt: Attempt, decision: FinalDecision): Authentication {
    if (decision.outcome === 'reject' && decision.code === 'LOCKED_OUT') options.onLockout?.();
    options.onDecision?.(decision, attempt.credential);
    const { credential, clientIp, tokenOwner, owner } = attempt;
    // The counter keys matter only to a refusal or a watched password; a forwarded token's request
    // (the hot path) does not pay for normalising them.
    const keys = decision.outcome === 'forward-as-user' ? [] : failureKeys(credential, clientIp, tokenOwner);
    const { now } = attempt.input;
    return owner === undefined
      ? { decision, credential, clientIp, failureKeys: keys, now }
      : { decision, credential, clientIp, failureKeys: keys, owner, now };
  }

  /** Sets the token check from the verified-token cache; `false` when the token is not warm. */
  function tokenFromMemory(attempt: Attempt, token: ParsedToken): boolean {
    const check = options.verifier.cached(token, tokenKeyOf(attempt, token));
    if (check === undefined) return false;
    attempt.tokenOwner = check.record?.owner;
    attempt.input.token = check;
    return true;
  }

  /** Sets the owner's facts from the user cache; `false` when the product must be asked. */
  function ownerFromMemory(attempt: Attempt, username: string): boolean {
    const found = options.users.lookUpFromMemory(username);
    if (found === undefined) return false;
    if (found !== null) attempt.owner = found;
    attempt.input.owner = found === null ? null : { active: found.user.active, isAdmin: found.isAdmin };
    return true;
  }

  /** Advances `attempt` as far as memory allows; the final answer, or `undefined` at the first fact that must be fetched. */
  function advanceFromMemory(attempt: Attempt): Authentication | undefined {
    const { input, credential } = attempt;
    for (let stage = 0; stage < MAX_STAGES; stage += 1) {
      const decision = decideAuthentication(input);
      if (decision.outcome !== 'need') return conclude(attempt, decision);
      switch (decision.need) {
        case 'lockout': {
          const status = options.failedLogins.statusFromMemory?.(lockoutKeys(attempt));
          if (status === undefined) return undefined;
          input.lockout = status;
          // A token's next stages come from memory too: fill them now, so that the next call decides
          // (two calls of the core per warm token instead of four; looking into memory early is free).
          if (!status.locked && credential.kind === 'token') {
            tokenFromMemory(attempt, credential.token);
            if (attempt.tokenOwner !== undefined) ownerFromMemory(attempt, attempt.tokenOwner);
          }
          break;
        }
        case 'token': {
          if (credential.kind !== 'token' || !tokenFromMemory(attempt, credential.token)) return undefined;
          break;
        }
        case 'owner': {
          if (attempt.tokenOwner === undefined || !ownerFromMemory(attempt, attempt.tokenOwner))
            return undefined;
          break;
        }
      }
    }
    return undefined;
  }

  /** Advances `attempt` to its final answer, fetching what memory does not hold. */
  async function advance(attempt: Attempt): Promise<Authentication> {
    const { input, credential, clientIp } = attempt;
    const { settings } = input;
    /** Set while this attempt holds the gate: a cold token check that may end in a counted failure. */
    let leave: (() => void) | undefined;
    try {
      for (let stage = 0; stage < MAX_STAGES; stage += 1) {
        let decision = decideAuthentication(input);
        if (decision.outcome !== 'need') {
          if (leave !== undefined && decision.outcome === 'reject' && decision.countFailure) {
            // Counted before the gate opens for the next attempt on these keys; the caller has
            // nothing left to count.
            try {
              await countFailure(failureKeys(credential, clientIp, attempt.tokenOwner));
            } catch (error) {
              options.logger?.error({ err: error }, 'counting a failed login failed');
            }
            decision = { ...decision, countFailure: false };
          }
          return conclude(attempt, decision);
        }
        switch (decision.need) {
          case 'lockout':
            input.lockout = await options.failedLogins.status(
              lockoutKeys(attempt),
              input.now,
              settings.failedLogins,
            );
            break;
          case 'token': {
            if (credential.kind !== 'token')
              throw new Error('decision asked for a token without a token credential');
            const key = tokenKeyOf(attempt, credential.token);
            let check = options.verifier.cached(credential.token, key);
            if (check === undefined) {
              const keys = lockoutKeys(attempt);
              leave = await gate.enter(keys, settings.failedLogins);
              // Attempts admitted after others failed must see the lock those failures set.
              input.now = options.clock();
              input.lockout = await options.failedLogins.status(keys, input.now, settings.failedLogins);
              if (input.lockout.locked) break;
              check = await options.verifier.verify(credential.token, key);
              options.onTokenChecked?.(
                check.record === null ? 'unknown-token' : check.secretMatches ? 'valid' : 'wrong-secret',
              );
            }
            attempt.tokenOwner = check.record?.owner;
            input.token = check;
            break;
          }
          case 'owner': {
            if (attempt.tokenOwner === undefined)
              throw new Error('decision asked for the owner before the token');
            const found = await options.users.lookUp(attempt.tokenOwner);
            if (found !== null) attempt.owner = found;
            input.owner = found === null ? null : { active: found.user.active, isAdmin: found.isAdmin };
            break;
          }
        }
      }
      throw new Error('authentication decision did not settle');
    } finally {
      leave?.();
    }
  }

  return {
    authenticate(request) {
      try {
        const attempt = begin(request);
        const known = advanceFromMemory(attempt);
        return known === undefined ? advance(attempt) : Promise.resolve(known);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    authenticateFromMemory(request) {
      return advanceFromMemory(begin(request));
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

/** Whether two `Authorization` headers (or their absence) are the same text; constant-time. */
function sameHeader(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return constantTimeSameText(a, b);
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
