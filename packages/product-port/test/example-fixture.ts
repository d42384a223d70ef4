/** The conformance fixture of the example adapter: its imaginary product's REST answers. */
import { http, HttpResponse } from 'msw';
import { CONFORMANCE_AUDIT_RECORD, type ProductConformanceFixture } from '../src/testing/index.js';
import { createExampleProduct } from './example-product.js';

interface ExampleUser {
  name: string;
  displayName: string;
  active: boolean;
  groups: string[];
}

const fred: ExampleUser = { name: 'fred', displayName: 'Fred', active: true, groups: ['example-users'] };

export const exampleFixture: ProductConformanceFixture<ExampleUser> = {
  name: 'Example',
  baseUrl: 'http://example.test:8080/example/',
  createProduct: createExampleProduct,
  constants: {
    displayName: 'Example',
    defaultAdminGroups: ['example-administrators'],
    restSessionLoginPath: '/rest/auth/1/session',
    loginPagePath: '/login',
  },
  errorBody: (status, message) => ({ status, message }),
  whoIs: {
    path: '/rest/api/myself',
    known: {
      body: { name: 'fred', displayName: 'Fred' },
      identity: { username: 'fred', displayName: 'Fred' },
    },
    nobody: [],
    invalid: [['a user without name', { displayName: 'Fred' }]],
  },
  lookUpUser: {
    path: '/rest/api/user',
    serve: (answer, server) => [http.get(server.url('/rest/api/user'), () => HttpResponse.json(answer))],
    found: {
      answer: fred,
      ask: 'Fred',
      user: { username: 'fred', displayName: 'Fred', active: true, groups: ['example-users'] },
      query: [['username', 'Fred']],
    },
    activity: [
      ['current', fred, true],
      ['deactivated', { ...fred, active: false }, false],
    ],
    invalid: [['no active flag', { ...fred, active: undefined }]],
  },
  deliverAudit: {
    path: '/rest/api/audit',
    createdStatus: 201,
    body: JSON.parse(JSON.stringify(CONFORMANCE_AUDIT_RECORD)),
  },
};
