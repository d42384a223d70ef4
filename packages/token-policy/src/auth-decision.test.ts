import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { decideAuthentication } from './auth-decision.js';
import type { AuthDecision, AuthDecisionInput, AuthRejectCode } from './auth-decision.types.js';
import { classifyAuthorization, type Credential } from './credentials.js';
import { TokenPolicyError } from './errors.js';
import { parseIpAllowList, type IpAllowList } from './ip-allow-list.js';
import { defaultSettings } from './settings.js';
import { classifyPasswordRoute } from './password-routes.js';
import { generateToken } from './token-format.js';
import type { LockoutStatus, OwnerFacts, Settings, TokenFacts } from './types.js';

const now = new Date('2024-06-01T12:00:00.000Z');
const generated = generateToken((n) => new Uint8Array(randomBytes(n)));
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

const credentials = {
  basicToken: classifyAuthorization(`Basic ${b64(`alice:${generated.token}`)}`),
  bearerToken: classifyAuthorization(`Bearer ${generated.token}`),
  typo: classifyAuthorization(
    `Bearer ${generated.token.slice(0, -1)}${generated.token.endsWith('a') ? 'b' : 'a'}`,
  ),
  password: classifyAuthorization(`Basic ${b64('alice:correct horse')}`),
  other: classifyAuthorization('Bearer NjM0NzE4NzE2MTQ3OpHaqAkWDlxWJMDTL2TiDLXR'),
  none: classifyAuthorization(undefined),
  malformed: classifyAuthorization('Basic !!!'),
} satisfies Record<string, Credential>;

function list(entries: string[]): IpAllowList {
  const parsed = parseIpAllowList(entries);
  if (!parsed.ok) throw new Error('bad test list');
  return parsed.list;
}

const record: TokenFacts = {
  id: generated.id,
  owner: 'alice',
  createdAt: new Date('2024-01-01T00:00:00.000Z'),
  expiresAt: new Date('2025-01-01T00:00:00.000Z'),
};
const activeUser: OwnerFacts = { active: true, isAdmin: false };
const unlocked: LockoutStatus = { locked: false };

function settings(change: Partial<Settings> = {}): Settings {
  return { ...defaultSettings(), ...change };
}

function input(change: Partial<AuthDecisionInput> = {}): AuthDecisionInput {
  return {
    credential: credentials.bearerToken,
    clientIp: '10.0.0.7',
    allowList: list([]),
    settings: settings(),
    now,
    ...change,
  };
}

/** The gateway's loop: fetch what the decision needs, in the order it asks. */
function run(
  base: AuthDecisionInput,
  facts: {
    lockout?: LockoutStatus;
    token?: AuthDecisionInput['token'];
    ownerLockout?: LockoutStatus;
    owner?: OwnerFacts | null;
  },
) {
  const fetched: string[] = [];
  const current = { ...base };
  let decision = decideAuthentication(current);
  for (let i = 0; decision.outcome === 'need' && i < 5; i++) {
    fetched.push(decision.need);
    if (decision.need === 'lockout') current.lockout = facts.lockout ?? unlocked;
    if (decision.need === 'token') {
      current.token = facts.token ?? { record, secretMatches: true };
      if (facts.ownerLockout !== undefined) current.ownerLockout = facts.ownerLockout;
    }
    if (decision.need === 'owner') current.owner = facts.owner === undefined ? activeUser : facts.owner;
    decision = decideAuthentication(current);
  }
  return { decision, fetched };
}

const tokenReject = (code: AuthRejectCode, status: 401 | 403 = 401): Partial<AuthDecision> => ({
  outcome: 'reject',
  status,
  code,
  countFailure: true,
});

describe('the staged decision, branch by branch', () => {
  test.each<[string, AuthDecisionInput, Parameters<typeof run>[1], string[], Partial<AuthDecision>]>([
    // 1. Malformed.
    [
      'malformed → 400',
      input({ credential: credentials.malformed }),
      {},
      [],
      { outcome: 'reject', status: 400, code: 'MALFORMED_AUTHORIZATION', countFailure: false },
    ],
    [
      'malformed from a refused IP → still 400',
      input({ credential: credentials.malformed, allowList: list(['192.0.2.1']) }),
      {},
      [],
      { status: 400 },
    ],

    // 2. No Authorization.
    [
      'none → forward unchanged',
      input({ credential: credentials.none }),
      {},
      [],
      { outcome: 'forward-unchanged' },
    ],
    [
      'none from a refused IP → forward (no IP check for cookie sessions)',
      input({ credential: credentials.none, allowList: list(['192.0.2.1']) }),
      {},
      [],
      { outcome: 'forward-unchanged' },
    ],
    [
      // Issue 20: a session login is password authentication — lockout checked, verdict counted.
      'none, REST session login, passwords on → forward after the lockout check, verdict counted',
      input({ credential: credentials.none, isRestSessionLogin: true }),
      {},
      ['lockout'],
      { outcome: 'forward-unchanged', passwordRoute: 'rest-session-login' },
    ],
    [
      'none, REST session login, passwords off → 403',
      input({
        credential: credentials.none,
        isRestSessionLogin: true,
        settings: settings({ passwordBasicAuth: false }),
      }),
      {},
      [],
      { outcome: 'reject', status: 403, code: 'PASSWORD_AUTH_DISABLED', countFailure: false },
    ],
    [
      'none, passwords off, not a session login → forward',
      input({ credential: credentials.none, settings: settings({ passwordBasicAuth: false }) }),
      {},
      [],
      { outcome: 'forward-unchanged' },
    ],

    // 3. Password while disabled.
    [
      'password, passwords off → 403, nothing asked',
      input({ credential: credentials.password, settings: settings({ passwordBasicAuth: false }) }),
      {},
      [],
      { outcome: 'reject', status: 403, code: 'PASSWORD_AUTH_DISABLED', countFailure: false },
    ],

    // 4. IP restrictions.
    [
      'token from a refused IP → 403',
      input({ allowList: list(['192.0.2.0/24']) }),
      {},
      [],
      { outcome: 'reject', status: 403, code: 'IP_NOT_ALLOWED', countFailure: false },
    ],
    [
      'password from a refused IP → 403',
      input({ credential: credentials.password, allowList: list(['192.0.2.0/24']) }),
      {},
      [],
      { status: 403, code: 'IP_NOT_ALLOWED' },
    ],
    [
      'other scheme from a refused IP → 403',
      input({ credential: credentials.other, allowList: list(['192.0.2.0/24']) }),
      {},
      [],
      { status: 403, code: 'IP_NOT_ALLOWED' },
    ],
    [
      'token-shaped typo from a refused IP → 403',
      input({ credential: credentials.typo, allowList: list(['192.0.2.0/24']) }),
      {},
      [],
      { status: 403, code: 'IP_NOT_ALLOWED' },
    ],
    [
      'unparseable client address → 403 (fail closed)',
      input({ clientIp: 'fe80::1%eth0', allowList: list(['fe80::/10']) }),
      {},
      [],
      { status: 403, code: 'IP_NOT_ALLOWED' },
    ],
    [
      'IPv4-mapped client matched against IPv4 rules',
      input({ clientIp: '::ffff:10.0.0.7', allowList: list(['10.0.0.0/8']) }),
      {},
      ['lockout', 'token', 'owner'],
      { outcome: 'forward-as-user' },
    ],
    [
      'other scheme from an allowed IP → forward, no lockout',
      input({ credential: credentials.other, allowList: list(['10.0.0.0/8']) }),
      {},
      [],
      { outcome: 'forward-unchanged' },
    ],

    // 5. Lockout.
    [
      'locked-out token → 429 without a bcrypt compare',
      input(),
      { lockout: { locked: true, until: new Date('2024-06-01T12:10:00.000Z') } },
      ['lockout'],
      {
        outcome: 'reject',
        status: 429,
        code: 'LOCKED_OUT',
        countFailure: false,
        retryAfter: new Date('2024-06-01T12:10:00.000Z'),
      },
    ],
    [
      'locked-out password → 429, not forwarded',
      input({ credential: credentials.password }),
      { lockout: { locked: true, until: new Date('2024-06-01T12:10:00.000Z') } },
      ['lockout'],
      { status: 429, code: 'LOCKED_OUT' },
    ],
    [
      'locked-out typo → 429',
      input({ credential: credentials.typo }),
      { lockout: { locked: true, until: new Date('2024-06-01T12:10:00.000Z') } },
      ['lockout'],
      { status: 429 },
    ],

    // 6. Password.
    [
      'password → forward, watch the verdict',
      input({ credential: credentials.password }),
      {},
      ['lockout'],
      { outcome: 'forward-unchanged', watchPassword: { username: 'alice' } },
    ],

    // 7. Token.
    [
      'token-shaped typo → 401 without a look-up',
      input({ credential: credentials.typo }),
      {},
      ['lockout'],
      tokenReject('TOKEN_INVALID'),
    ],
    [
      'unknown token id → 401',
      input(),
      { token: { record: null, secretMatches: false } },
      ['lockout', 'token'],
      tokenReject('TOKEN_INVALID'),
    ],
    [
      'wrong secret → 401',
      input(),
      { token: { record, secretMatches: false } },
      ['lockout', 'token'],
      tokenReject('TOKEN_INVALID'),
    ],
    [
      'a record of another id → 401',
      input(),
      { token: { record: { ...record, id: 'zzzzzzzzzzzz' }, secretMatches: true } },
      ['lockout', 'token'],
      tokenReject('TOKEN_INVALID'),
    ],
    [
      'Basic username not the owner → 401',
      input({ credential: credentials.basicToken }),
      { token: { record: { ...record, owner: 'bob' }, secretMatches: true } },
      ['lockout', 'token'],
      tokenReject('TOKEN_USER_MISMATCH'),
    ],
    [
      'Basic username in another case → accepted',
      input({ credential: credentials.basicToken }),
      { token: { record: { ...record, owner: 'ALICE' }, secretMatches: true } },
      ['lockout', 'token', 'owner'],
      { outcome: 'forward-as-user', username: 'ALICE', tokenId: generated.id },
    ],
    [
      'expired at exactly the expiry → 401',
      input({ now: record.expiresAt as Date }),
      {},
      ['lockout', 'token'],
      tokenReject('TOKEN_EXPIRED'),
    ],
    [
      'one millisecond before the expiry → accepted',
      input({ now: new Date('2024-12-31T23:59:59.999Z') }),
      {},
      ['lockout', 'token', 'owner'],
      { outcome: 'forward-as-user' },
    ],
    [
      'expired by a lowered ceiling → 401',
      input({ now: new Date('2024-07-01T00:00:00.000Z'), settings: settings({ maxValidity: '6m' }) }),
      {},
      ['lockout', 'token'],
      tokenReject('TOKEN_EXPIRED'),
    ],
    [
      'passwords off: unknown token → 403, still counted',
      input({ settings: settings({ passwordBasicAuth: false }) }),
      { token: { record: null, secretMatches: false } },
      ['lockout', 'token'],
      tokenReject('TOKEN_INVALID', 403),
    ],
    [
      'passwords off: typo → 403, counted',
      input({ credential: credentials.typo, settings: settings({ passwordBasicAuth: false }) }),
      {},
      ['lockout'],
      tokenReject('TOKEN_INVALID', 403),
    ],
    [
      'passwords off: expired → 403, counted',
      input({ now: record.expiresAt as Date, settings: settings({ passwordBasicAuth: false }) }),
      {},
      ['lockout', 'token'],
      tokenReject('TOKEN_EXPIRED', 403),
    ],
    [
      'passwords off: a valid token still works',
      input({ settings: settings({ passwordBasicAuth: false }) }),
      {},
      ['lockout', 'token', 'owner'],
      { outcome: 'forward-as-user' },
    ],

    // 8. Owner.
    [
      'owner gone → 401',
      input(),
      { owner: null },
      ['lockout', 'token', 'owner'],
      tokenReject('OWNER_INACTIVE'),
    ],
    [
      'owner deactivated → 401',
      input(),
      { owner: { active: false, isAdmin: true } },
      ['lockout', 'token', 'owner'],
      tokenReject('OWNER_INACTIVE'),
    ],
    [
      'passwords off: owner deactivated → 403, counted',
      input({ settings: settings({ passwordBasicAuth: false }) }),
      { owner: { active: false, isAdmin: false } },
      ['lockout', 'token', 'owner'],
      tokenReject('OWNER_INACTIVE', 403),
    ],
    [
      'only admins, owner no admin → 403, not counted',
      input({ settings: settings({ adminOnly: true }) }),
      {},
      ['lockout', 'token', 'owner'],
      { outcome: 'reject', status: 403, code: 'ADMIN_ONLY', countFailure: false },
    ],
    [
      'only admins, owner admin → forward',
      input({ settings: settings({ adminOnly: true }) }),
      { owner: { active: true, isAdmin: true } },
      ['lockout', 'token', 'owner'],
      { outcome: 'forward-as-user' },
    ],
    [
      'valid Bearer token → forward as the owner',
      input(),
      {},
      ['lockout', 'token', 'owner'],
      { outcome: 'forward-as-user', username: 'alice', tokenId: generated.id },
    ],
    [
      'valid Basic token → forward as the owner',
      input({ credential: credentials.basicToken }),
      {},
      ['lockout', 'token', 'owner'],
      { outcome: 'forward-as-user', username: 'alice', tokenId: generated.id },
    ],
  ])('%s', (_name, base, facts, expectedFetches, expected) => {
    const { decision, fetched } = run(base, facts);
    expect(fetched).toEqual(expectedFetches);
    expect(decision).toMatchObject(expected);
  });
});

describe('messages', () => {
  test('the IP refusal names the refused address in its plain form', () => {
    const decision = decideAuthentication(
      input({ clientIp: '::ffff:203.0.113.9', allowList: list(['10.0.0.0/8']) }),
    );
    expect(decision).toMatchObject({ code: 'IP_NOT_ALLOWED' });
    expect(decision.outcome === 'reject' && decision.message).toContain('203.0.113.9');
    expect(decision.outcome === 'reject' && decision.message).not.toContain('::ffff');
  });

  test('the lockout says when it ends', () => {
    const until = new Date('2024-06-01T12:10:00.000Z');
    const decision = decideAuthentication(input({ lockout: { locked: true, until } }));
    expect(decision.outcome === 'reject' && decision.message).toContain('2024-06-01T12:10:00.000Z');
  });

  test('every malformed reason has its own message', () => {
    const headers = [
      '',
      'Basic',
      'Basic !!!',
      `Basic ${b64('alice')}`,
      `Basic ${b64(':x')}`,
      'Bearer a b',
      'Bas(ic x',
      `Bearer ${'x'.repeat(9000)}`,
    ];
    const messages = headers.map((header) => {
      const decision = decideAuthentication(input({ credential: classifyAuthorization(header) }));
      expect(decision).toMatchObject({ status: 400, code: 'MALFORMED_AUTHORIZATION' });
      return decision.outcome === 'reject' ? decision.message : '';
    });
    expect(new Set(messages).size).toBe(headers.length);
  });

  test('no decision ever carries a secret, password or token', () => {
    const scenarios: Array<[AuthDecisionInput, Parameters<typeof run>[1]]> = [
      [input(), { token: { record: null, secretMatches: false } }],
      [
        input({ credential: credentials.basicToken }),
        { token: { record: { ...record, owner: 'bob' }, secretMatches: true } },
      ],
      [input({ credential: credentials.password }), {}],
      [input({ credential: credentials.password, settings: settings({ passwordBasicAuth: false }) }), {}],
      [input({ credential: credentials.typo }), {}],
      [input({ allowList: list(['192.0.2.1']) }), {}],
      [input(), {}],
    ];
    for (const [base, facts] of scenarios) {
      const json = JSON.stringify(run(base, facts).decision);
      expect(json).not.toContain(generated.secret);
      expect(json).not.toContain('correct horse');
    }
  });
});

describe('misuse', () => {
  test('an invalid now throws', () => {
    expect(() => decideAuthentication(input({ now: new Date(Number.NaN) }))).toThrow(TokenPolicyError);
  });
  test('a missing credential throws', () => {
    expect(() => decideAuthentication(input({ credential: undefined as unknown as Credential }))).toThrow(
      TokenPolicyError,
    );
  });
});

describe('rule 0: password routes, whatever Authorization carries (issue 20 item 1)', () => {
  const sessionLogin = classifyPasswordRoute({
    method: 'POST',
    path: '/rest/auth/1/session',
    json: { username: 'alice', password: 'alice' },
  });
  const queryPassword = classifyPasswordRoute({
    method: 'GET',
    path: '/rest/api/2/myself',
    query: 'os_username=carol&os_password=x',
  });
  const anonymousRoute = classifyPasswordRoute({ method: 'POST', path: '/rpc/xmlrpc' });
  // The attack of the issue: any other Authorization next to the password in the body.
  const alongside: Array<[string, Credential]> = [
    ['no Authorization', credentials.none],
    ['Negotiate', classifyAuthorization('Negotiate abc')],
    ['Foo', classifyAuthorization('Foo')],
    ['Digest', classifyAuthorization('Digest username="alice"')],
    ['a valid Bearer token of another user', credentials.bearerToken],
    ['a valid Basic token', credentials.basicToken],
    ['a token-shaped typo', credentials.typo],
    ['a native PAT', credentials.other],
    ['Basic with a password', credentials.password],
  ];

  test.each(alongside)('passwords off, %s → 403, nothing asked, not counted', (_name, credential) => {
    for (const passwordRoute of [sessionLogin, queryPassword, anonymousRoute]) {
      const { decision, fetched } = run(
        input({ credential, passwordRoute, settings: settings({ passwordBasicAuth: false }) }),
        {},
      );
      expect(fetched).toEqual([]);
      expect(decision).toMatchObject({
        outcome: 'reject',
        status: 403,
        code: 'PASSWORD_AUTH_DISABLED',
        countFailure: false,
      });
    }
  });

  test.each(alongside)('passwords on, %s, refused IP → 403 IP_NOT_ALLOWED', (_name, credential) => {
    const { decision, fetched } = run(
      input({ credential, passwordRoute: sessionLogin, allowList: list(['192.0.2.0/24']) }),
      {},
    );
    expect(fetched).toEqual([]);
    expect(decision).toMatchObject({ status: 403, code: 'IP_NOT_ALLOWED' });
  });

  test.each(alongside)('passwords on, %s, locked → 429 naming the key', (_name, credential) => {
    const until = new Date('2024-06-01T12:10:00.000Z');
    const { decision, fetched } = run(input({ credential, passwordRoute: sessionLogin }), {
      lockout: { locked: true, until, key: 'user:alice' },
    });
    expect(fetched).toEqual(['lockout']);
    expect(decision).toMatchObject({
      status: 429,
      code: 'LOCKED_OUT',
      retryAfter: until,
      lockedKey: 'user:alice',
    });
  });

  test.each(alongside)(
    'passwords on, %s → forwarded unchanged as a password, never as a token user',
    (_name, credential) => {
      const { decision, fetched } = run(input({ credential, passwordRoute: sessionLogin }), {});
      expect(fetched).toEqual(['lockout']);
      expect(decision).toEqual({
        outcome: 'forward-unchanged',
        watchPassword: { username: 'alice' },
        passwordRoute: 'rest-session-login',
      });
    },
  );

  test('malformed Authorization next to a password route is still 400', () => {
    const { decision } = run(
      input({
        credential: credentials.malformed,
        passwordRoute: sessionLogin,
        settings: settings({ passwordBasicAuth: false }),
      }),
      {},
    );
    expect(decision).toMatchObject({ status: 400, code: 'MALFORMED_AUTHORIZATION' });
  });

  test('a route naming nobody watches the Basic username, or only the route', () => {
    expect(
      run(input({ credential: credentials.password, passwordRoute: anonymousRoute }), {}).decision,
    ).toEqual({
      outcome: 'forward-unchanged',
      watchPassword: { username: 'alice' },
      passwordRoute: 'remote-api',
    });
    expect(run(input({ credential: credentials.none, passwordRoute: anonymousRoute }), {}).decision).toEqual({
      outcome: 'forward-unchanged',
      passwordRoute: 'remote-api',
    });
    expect(run(input({ credential: credentials.none, passwordRoute: queryPassword }), {}).decision).toEqual({
      outcome: 'forward-unchanged',
      watchPassword: { username: 'carol' },
      passwordRoute: 'seraph-parameters',
    });
  });

  test('the message names the route and the way that still works', () => {
    const decision = decideAuthentication(
      input({
        credential: credentials.none,
        passwordRoute: queryPassword,
        settings: settings({ passwordBasicAuth: false }),
      }),
    );
    expect(decision.outcome === 'reject' && decision.message).toMatch(/os_username\/os_password.*API token/);
  });

  test('no route: the earlier flag means a session login only without Authorization', () => {
    const off = settings({ passwordBasicAuth: false });
    expect(
      decideAuthentication(input({ credential: credentials.none, isRestSessionLogin: true, settings: off })),
    ).toMatchObject({
      code: 'PASSWORD_AUTH_DISABLED',
    });
    expect(run(input({ isRestSessionLogin: true, settings: off }), {}).decision).toMatchObject({
      outcome: 'forward-as-user',
    });
    expect(run(input({ passwordRoute: { carriesPassword: false } }), {}).decision).toMatchObject({
      outcome: 'forward-as-user',
    });
  });
});

describe('lockout keys and a Bearer owner (issue 20 items 3 and 5)', () => {
  const until = new Date('2024-06-01T12:10:00.000Z');

  test.each<[string, LockoutStatus, RegExp]>([
    [
      'the user',
      { locked: true, until, key: 'user:alice' },
      /for the user "alice"\. Try again after 2024-06-01T12:10:00\.000Z/,
    ],
    [
      'the address',
      { locked: true, until, key: 'ip:10.0.0.7' },
      /from the address "10\.0\.0\.7" \(failures of several users\)\. Try again after 2024-06-01T12:10:00\.000Z/,
    ],
    [
      'no key known',
      { locked: true, until },
      /^Too many failed logins\. Try again after 2024-06-01T12:10:00\.000Z\.$/,
    ],
    [
      'a hostile name, escaped and capped',
      { locked: true, until, key: `user:${'x'.repeat(300)}\n"` },
      /for the user "x{100}"\./,
    ],
  ])('the 429 says it is %s and until when', (_name, lockout, message) => {
    const decision = decideAuthentication(input({ credential: credentials.password, lockout }));
    expect(decision).toMatchObject({ status: 429, retryAfter: until });
    expect(decision.outcome === 'reject' && decision.message).toMatch(message);
    expect(decision.outcome === 'reject' && decision.lockedKey).toBe(
      lockout.locked ? lockout.key : undefined,
    );
  });

  test('a locked-out owner of a Bearer token gets 429 once the owner is known, not counted', () => {
    const { decision, fetched } = run(input({ credential: credentials.bearerToken }), {
      ownerLockout: { locked: true, until, key: 'user:alice' },
    });
    expect(fetched).toEqual(['lockout', 'token']);
    expect(decision).toMatchObject({
      outcome: 'reject',
      status: 429,
      code: 'LOCKED_OUT',
      countFailure: false,
      lockedKey: 'user:alice',
      retryAfter: until,
    });
  });

  test('a locked owner gets 429 even with a wrong secret: a locked account reveals nothing', () => {
    const { decision } = run(input({ credential: credentials.bearerToken }), {
      token: { record, secretMatches: false },
      ownerLockout: { locked: true, until, key: 'user:alice' },
    });
    expect(decision).toMatchObject({ status: 429, countFailure: false });
  });

  test('an unlocked owner, or no record, proceeds as before', () => {
    expect(
      run(input({ credential: credentials.bearerToken }), { ownerLockout: { locked: false } }).decision,
    ).toMatchObject({ outcome: 'forward-as-user', username: 'alice' });
    expect(
      run(input({ credential: credentials.bearerToken }), {
        token: { record: null, secretMatches: false },
        ownerLockout: { locked: true, until },
      }).decision,
    ).toMatchObject({ status: 401, code: 'TOKEN_INVALID' });
  });
});
