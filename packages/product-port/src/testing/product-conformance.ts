/**
 * The shared conformance suite of the `Product` port: every adapter runs it with its own fixture, so
 * what all adapters must do is written once — "nobody" is `null`, the caller's credentials are
 * forwarded, user look-ups and audit writes use the service account, failures are `ProductError`s with
 * stable codes and no password, audit `unsupported` is remembered, Seraph decides password verdicts.
 */
import { describe, expect, it } from 'vitest';
import type { PasswordVerdict } from '../product.js';
import type { ResponseHeaders } from '../seraph-password-verdict.js';
import type {
  ConformanceCase,
  ConformanceContext,
  ProductConformanceFixture,
} from './conformance-fixture.js';
import { deliverAuditCases } from './deliver-audit-cases.js';
import { lookUpUserCases } from './look-up-user-cases.js';
import { useProductServer, type ProductServer } from './product-server.js';
import { testProductOptions } from './service-account.js';
import { whoIsCases } from './who-is-cases.js';

/** Seraph's answers to a forwarded password and the verdict each means (DESIGN §4). */
const SERAPH_VERDICTS: Array<[string, number, ResponseHeaders, PasswordVerdict]> = [
  [
    'AUTHENTICATED_FAILED on an anonymous 200',
    200,
    { 'x-seraph-loginreason': 'AUTHENTICATED_FAILED' },
    'failed',
  ],
  ['the reason header in any case', 200, { 'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED' }, 'failed'],
  ['a 401', 401, {}, 'failed'],
  ['a CAPTCHA (AUTHENTICATION_DENIED)', 403, { 'x-seraph-loginreason': 'AUTHENTICATION_DENIED' }, 'unknown'],
  ['OK', 200, { 'x-seraph-loginreason': 'OK' }, 'succeeded'],
  ['a 200 without a reason', 200, {}, 'succeeded'],
];

/**
 * Every case of the suite for `fixture`, in order. {@link describeProductConformance} registers them
 * with vitest; run one directly (inside a test, with a {@link ConformanceContext}) to show that the
 * suite catches a broken adapter.
 */
export function productConformanceCases<U>(fixture: ProductConformanceFixture<U>): ConformanceCase[] {
  return [
    {
      group: 'constants',
      name: `describes ${fixture.name}`,
      async run({ create }) {
        const { displayName, defaultAdminGroups, restSessionLoginPath, loginPagePath } = create();
        expect({ displayName, defaultAdminGroups, restSessionLoginPath, loginPagePath }).toEqual(
          fixture.constants,
        );
      },
    },
    ...whoIsCases(fixture),
    ...lookUpUserCases(fixture),
    ...deliverAuditCases(fixture),
    ...SERAPH_VERDICTS.map(([label, status, headers, verdict]): ConformanceCase => ({
      group: 'judgePasswordResponse',
      name: `judges ${label} as ${verdict}`,
      async run({ create }) {
        expect(create().judgePasswordResponse(status, headers)).toBe(verdict);
      },
    })),
  ];
}

/**
 * The context cases run with: an adapter factory with the test service account, over `server`.
 *
 * @example
 * ```ts
 * const server = useProductServer(fixture.baseUrl);
 * it('catches a broken adapter', async () => {
 *   await expect(someCase.run(conformanceContext(brokenFixture, server))).rejects.toThrow();
 * });
 * ```
 */
export function conformanceContext<U>(
  fixture: ProductConformanceFixture<U>,
  server: ProductServer,
): ConformanceContext {
  return {
    server,
    create: (timeoutMs) => fixture.createProduct(testProductOptions(fixture.baseUrl, timeoutMs)),
  };
}

/**
 * Registers the conformance suite for one adapter in the calling test file (which must not start
 * another msw server): one `describe` per part of the port, one `it` per case. Outbound HTTP goes to
 * a strict msw server; an unhandled request fails the case.
 *
 * @example
 * ```ts
 * // test/conformance.test.ts of an adapter
 * import { describeProductConformance } from '@api-token-auth/product-port/testing';
 * import { jiraFixture } from './jira-fixture.js';
 *
 * describeProductConformance(jiraFixture);
 * ```
 */
export function describeProductConformance<U>(fixture: ProductConformanceFixture<U>): void {
  describe(`${fixture.name} implements the Product port`, () => {
    const context = conformanceContext(fixture, useProductServer(fixture.baseUrl));
    const groups = new Map<string, ConformanceCase[]>();
    for (const conformanceCase of productConformanceCases(fixture)) {
      groups.set(conformanceCase.group, [...(groups.get(conformanceCase.group) ?? []), conformanceCase]);
    }
    for (const [group, cases] of groups) {
      describe(group, () => {
        for (const conformanceCase of cases) it(conformanceCase.name, () => conformanceCase.run(context));
      });
    }
  });
}
