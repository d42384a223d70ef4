/** The shared `Product` conformance suite, run with Confluence's answers (from the contract's examples). */
import { describeProductConformance } from '@api-token-auth/product-port/testing';
import { createConfluenceProduct } from '../src/index.js';
import { confluenceError, memberOf, userEndpoint, WIKI } from './confluence-handlers.js';
import { anonymous, knownAdmin, userWithStatus } from './fixtures.js';

/** A look-up's answers: the user resource's body and the groups `memberof` pages through. */
interface ConfluenceUserAnswer {
  user: unknown;
  groups: readonly string[];
}

const withStatus = (status: string | undefined): ConfluenceUserAnswer => ({
  user: userWithStatus(status),
  groups: [],
});

describeProductConformance<ConfluenceUserAnswer>({
  name: 'Confluence',
  baseUrl: `${WIKI}/`,
  createProduct: createConfluenceProduct,
  constants: {
    displayName: 'Confluence',
    defaultAdminGroups: ['confluence-administrators'],
    restSessionLoginPath: '/rest/auth/1/session',
    loginPagePath: '/login.action',
  },
  errorBody: confluenceError,
  whoIs: {
    path: '/rest/api/user/current',
    known: { body: knownAdmin, identity: { username: 'admin', displayName: 'admin' } },
    nobody: [
      ['the anonymous user', anonymous],
      ['a known type without username', { type: 'known', displayName: 'Someone' }],
    ],
    invalid: [['an answer without type', { username: 'admin' }]],
  },
  lookUpUser: {
    path: '/rest/api/user',
    serve: ({ user, groups }, server) => [userEndpoint(server, user), memberOf(server, groups)],
    found: {
      answer: {
        user: userWithStatus('current'),
        groups: ['confluence-administrators', 'confluence-users'],
      },
      ask: 'Admin',
      user: {
        username: 'admin',
        key: '2c9d802a8067b72f018067b876420000',
        displayName: 'admin',
        active: true,
        groups: ['confluence-administrators', 'confluence-users'],
      },
      query: [
        ['username', 'Admin'],
        ['expand', 'status'],
      ],
    },
    activity: [
      // Confluence's UserStatus values (lower camel case); only `current` is active (issue 20 item 7).
      ['status current', withStatus('current'), true],
      ['status deactivated', withStatus('deactivated'), false],
      ['status externallyDeleted', withStatus('externallyDeleted'), false],
      ['status unlicensed', withStatus('unlicensed'), false],
    ],
    invalid: [['a user without username', { type: 'known', displayName: 'x' }]],
  },
  deliverAudit: {
    path: '/rest/api/audit',
    createdStatus: 200,
    body: {
      author: { type: 'user', username: 'admin' },
      remoteAddress: '10.0.0.7',
      creationDate: Date.UTC(2024, 4, 1, 12),
      summary: 'API token "ci" created for alice by admin (on behalf)',
      description: 'API Token Authentication event token.created, id 01J9Z6T3QK4M2W8XJ5R7N0B1CD',
      category: 'API Token Authentication',
      sysAdmin: true,
      affectedObject: { name: 'ci', objectType: 'API token' },
      changedValues: [{ name: 'expiresAt', oldValue: '', newValue: '2025-05-01T12:00:00.000Z' }],
      associatedObjects: [{ name: 'alice', objectType: 'User' }],
    },
  },
});
