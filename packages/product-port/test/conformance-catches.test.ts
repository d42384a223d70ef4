/**
 * The suite must fail for an adapter that breaks the port: each broken adapter below is run through
 * the case that should catch it, which must reject (the same cases pass for the correct adapter in
 * conformance.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Product } from '../src/index.js';
import {
  TEST_SERVICE_ACCOUNT,
  conformanceContext,
  productConformanceCases,
  useProductServer,
} from '../src/testing/index.js';
import { exampleFixture } from './example-fixture.js';

const server = useProductServer(exampleFixture.baseUrl);

/** The suite's case `group: name`; fails the test when there is none. */
function caseNamed(fullName: string) {
  const found = productConformanceCases(exampleFixture).find(
    ({ group, name }) => `${group}: ${name}` === fullName,
  );
  if (found === undefined) throw new Error(`no conformance case ${fullName}`);
  return found;
}

/** An adapter that behaves like the example one except for what `breakIt` changes. */
function broken(breakIt: (product: Product) => Partial<Product>) {
  return {
    ...exampleFixture,
    createProduct: (options: Parameters<typeof exampleFixture.createProduct>[0]) => {
      const product = exampleFixture.createProduct(options);
      return { ...product, ...breakIt(product) };
    },
  };
}

describe('the conformance suite catches a broken adapter', () => {
  it.each<[string, (product: Product) => Partial<Product>, string]>([
    ['a wrong login page', () => ({ loginPagePath: '/login.jsp' }), 'constants: describes Example'],
    [
      'whoIs that trusts any answer',
      () => ({ whoIs: async () => ({ username: 'fred' }) }),
      'whoIs: answers null for 401',
    ],
    [
      'whoIs that asks with the service account',
      (product) => ({ whoIs: () => product.whoIs({ authorization: TEST_SERVICE_ACCOUNT.authorization }) }),
      "whoIs: asks /rest/api/myself with the caller's own credentials, never the service account",
    ],
    [
      'whoIs that swallows failures',
      (product) => ({ whoIs: (credentials) => product.whoIs(credentials).catch(() => null) }),
      'whoIs: throws PRODUCT_UNEXPECTED_STATUS for a 500',
    ],
    [
      'a failure that carries the service password',
      (product) => ({
        lookUpUser: (username) =>
          product.lookUpUser(username).catch((error: Error) => {
            error.message += ` (as ${TEST_SERVICE_ACCOUNT.servicePassword})`;
            throw error;
          }),
      }),
      'lookUpUser: throws PRODUCT_UNEXPECTED_STATUS for a 500',
    ],
    [
      'lookUpUser that reports everyone active',
      (product) => ({
        lookUpUser: async (username) => {
          const user = await product.lookUpUser(username);
          return user === null ? null : { ...user, active: true };
        },
      }),
      'lookUpUser: reports a deactivated user as inactive',
    ],
    [
      'audit failures reported as unsupported',
      (product) => ({
        deliverAudit: (record) => product.deliverAudit(record).catch(() => 'unsupported' as const),
      }),
      'deliverAudit: throws PRODUCT_UNEXPECTED_STATUS for a 503, so the outbox retries',
    ],
    [
      'password verdicts without Seraph',
      () => ({ judgePasswordResponse: () => 'succeeded' }),
      'judgePasswordResponse: judges a 401 as failed',
    ],
  ])('%s', async (_label, breakIt, caseName) => {
    const fixture = broken(breakIt);
    await expect(caseNamed(caseName).run(conformanceContext(fixture, server))).rejects.toThrow();
  });

  it('an adapter that forgets an unsupported audit log asks again', async () => {
    const conformanceCase = caseNamed('deliverAudit: answers unsupported for a 404 and does not ask again');
    const forgetful = {
      ...exampleFixture,
      // A new adapter per call: nothing is remembered between deliveries.
      createProduct: (options: Parameters<typeof exampleFixture.createProduct>[0]) => ({
        ...exampleFixture.createProduct(options),
        deliverAudit: (record: Parameters<Product['deliverAudit']>[0]) =>
          exampleFixture.createProduct(options).deliverAudit(record),
      }),
    };
    await expect(conformanceCase.run(conformanceContext(forgetful, server))).rejects.toThrow();
  });
});
