/** Conformance cases of `lookUpUser`: the service account, active flags, `null` for nobody, errors. */
import { HttpResponse } from 'msw';
import { expect } from 'vitest';
import { answering, hanging, invalidAnswers, networkFailure, type FailingAnswer } from './answers.js';
import type { ConformanceCase, ProductConformanceFixture } from './conformance-fixture.js';
import { expectProductError, TEST_SERVICE_ACCOUNT } from './service-account.js';

/** The `lookUpUser` cases for `fixture`. */
export function lookUpUserCases<U>(fixture: ProductConformanceFixture<U>): ConformanceCase[] {
  const { path, serve, found, activity, invalid } = fixture.lookUpUser;
  const failures: FailingAnswer[] = [
    [
      'a rejected service account (401)',
      () => new HttpResponse(null, { status: 401 }),
      'PRODUCT_SERVICE_ACCOUNT_REJECTED',
    ],
    [
      'a service account without the right to see users (403)',
      () => Response.json(fixture.errorBody(403, 'not permitted'), { status: 403 }),
      'PRODUCT_SERVICE_ACCOUNT_REJECTED',
    ],
    [
      'a 500',
      () => Response.json(fixture.errorBody(500, 'boom'), { status: 500 }),
      'PRODUCT_UNEXPECTED_STATUS',
    ],
    ['a 503', () => new HttpResponse('Service Unavailable', { status: 503 }), 'PRODUCT_UNEXPECTED_STATUS'],
    ...invalidAnswers(invalid),
    networkFailure,
  ];
  return [
    {
      group: 'lookUpUser',
      name: 'reads the user and their groups as the service account',
      async run({ server, create }) {
        server.use(...serve(found.answer, server));
        expect(await create().lookUpUser(found.ask)).toEqual(found.user);
        expect(server.requests[0]).toMatchObject({ path, query: found.query });
        expect(server.requests.map((request) => request.authorization)).toEqual(
          server.requests.map(() => TEST_SERVICE_ACCOUNT.authorization),
        );
        expect(server.requests.every((request) => request.cookie === null)).toBe(true);
      },
    },
    ...activity.map(([label, answer, active]): ConformanceCase => ({
      group: 'lookUpUser',
      name: `reports a ${label} user as ${active ? 'active' : 'inactive'}`,
      async run({ server, create }) {
        server.use(...serve(answer, server));
        expect(await create().lookUpUser(found.ask)).toMatchObject({ active });
      },
    })),
    {
      group: 'lookUpUser',
      name: 'answers null for an unknown user (404), asking nothing more, and for an empty name',
      async run({ server, create }) {
        server.use(
          answering(server, 'get', path, () =>
            Response.json(fixture.errorBody(404, "The user named 'ghost' does not exist"), { status: 404 }),
          ),
        );
        expect(await create().lookUpUser('ghost')).toBeNull();
        expect(await create().lookUpUser('')).toBeNull();
        expect(server.requests.map((request) => request.path)).toEqual([path]);
      },
    },
    ...failures.map(([label, answer, code]): ConformanceCase => ({
      group: 'lookUpUser',
      name: `throws ${code} for ${label}`,
      async run({ server, create }) {
        server.use(answering(server, 'get', path, answer));
        await expectProductError(create().lookUpUser(found.ask), code);
      },
    })),
    {
      group: 'lookUpUser',
      name: 'throws PRODUCT_TIMEOUT when the product does not answer in time',
      async run({ server, create }) {
        server.use(hanging(server, 'get', path));
        await expectProductError(create(50).lookUpUser(found.ask), 'PRODUCT_TIMEOUT');
      },
    },
  ];
}
