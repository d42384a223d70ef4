/** Conformance cases of `whoIs`: the caller's own credentials, "nobody" as `null`, failures as errors. */
import { expect } from 'vitest';
import {
  answering,
  hanging,
  invalidAnswers,
  json,
  networkFailure,
  seraphNobody,
  type FailingAnswer,
} from './answers.js';
import type { ConformanceCase, ProductConformanceFixture } from './conformance-fixture.js';
import { expectProductError } from './service-account.js';

const SESSION = { cookie: 'JSESSIONID=ABC123' };
const OTHER_CREDENTIALS = { authorization: 'Basic ZnJlZDpmcmVk' };

/** The `whoIs` cases for `fixture`. */
export function whoIsCases<U>(fixture: ProductConformanceFixture<U>): ConformanceCase[] {
  const { path, known, nobody, invalid } = fixture.whoIs;
  const nobodyAnswers = [
    ...seraphNobody(fixture.constants.loginPagePath),
    ...nobody.map(([label, body]) => [label, json(body)] as const),
  ];
  const failures: FailingAnswer[] = [
    [
      'a 500',
      () => Response.json(fixture.errorBody(500, 'boom'), { status: 500 }),
      'PRODUCT_UNEXPECTED_STATUS',
    ],
    ...invalidAnswers(invalid),
    networkFailure,
  ];
  return [
    {
      group: 'whoIs',
      name: `asks ${path} with the caller's own credentials, never the service account`,
      async run({ server, create }) {
        server.use(answering(server, 'get', path, json(known.body)));
        expect(await create().whoIs(SESSION)).toEqual(known.identity);
        expect(await create().whoIs(OTHER_CREDENTIALS)).toEqual(known.identity);
        expect(
          server.requests.map(({ path: seen, cookie, authorization }) => ({ seen, cookie, authorization })),
        ).toEqual([
          { seen: path, cookie: SESSION.cookie, authorization: null },
          { seen: path, cookie: null, authorization: OTHER_CREDENTIALS.authorization },
        ]);
      },
    },
    {
      group: 'whoIs',
      name: 'answers null without asking when there are no credentials',
      async run({ server, create }) {
        expect(await create().whoIs({})).toBeNull();
        expect(server.requests).toEqual([]);
      },
    },
    ...nobodyAnswers.map(([label, answer]): ConformanceCase => ({
      group: 'whoIs',
      name: `answers null for ${label}`,
      async run({ server, create }) {
        server.use(answering(server, 'get', path, answer));
        expect(await create().whoIs({ cookie: 'JSESSIONID=old' })).toBeNull();
      },
    })),
    ...failures.map(([label, answer, code]): ConformanceCase => ({
      group: 'whoIs',
      name: `throws ${code} for ${label}`,
      async run({ server, create }) {
        server.use(answering(server, 'get', path, answer));
        await expectProductError(create().whoIs(SESSION), code);
      },
    })),
    {
      group: 'whoIs',
      name: 'throws PRODUCT_TIMEOUT when the product does not answer in time',
      async run({ server, create }) {
        server.use(hanging(server, 'get', path));
        await expectProductError(create(50).whoIs(SESSION), 'PRODUCT_TIMEOUT');
      },
    },
  ];
}
