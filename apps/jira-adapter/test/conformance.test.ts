/** The shared `Product` conformance suite, run with Jira's answers (from the contract's examples). */
import { describeProductConformance } from '@api-token-auth/product-port/testing';
import { http, HttpResponse } from 'msw';
import { createJiraProduct } from '../src/index.js';
import { myselfFred, userWithGroups } from './fixtures.js';
import { JIRA, beforeAuditWrite, jiraError } from './jira-handlers.js';

describeProductConformance<ReturnType<typeof userWithGroups>>({
  name: 'Jira',
  baseUrl: JIRA,
  createProduct: createJiraProduct,
  constants: {
    displayName: 'Jira',
    defaultAdminGroups: ['jira-administrators'],
    restSessionLoginPath: '/rest/auth/1/session',
    loginPagePath: '/login.jsp',
  },
  errorBody: jiraError,
  whoIs: {
    path: '/rest/api/2/myself',
    known: { body: myselfFred, identity: { username: 'fred', displayName: 'Fred F. User' } },
    nobody: [['an inactive user', { ...myselfFred, active: false }]],
    invalid: [['a user without name', { ...myselfFred, name: undefined }]],
  },
  lookUpUser: {
    path: '/rest/api/2/user',
    serve: (answer, server) => [http.get(server.url('/rest/api/2/user'), () => HttpResponse.json(answer))],
    found: {
      answer: userWithGroups(),
      ask: 'Fred',
      user: {
        username: 'fred',
        key: 'JIRAUSER10100',
        displayName: 'Fred F. User',
        active: true,
        groups: ['jira-administrators', 'jira-software-users'],
      },
      query: [
        ['username', 'Fred'],
        ['expand', 'groups'],
      ],
    },
    activity: [
      ['active', userWithGroups(), true],
      ['deactivated', userWithGroups({ active: false, groups: [] }), false],
      ['deleted', userWithGroups({ deleted: true, groups: [] }), false],
    ],
    invalid: [
      ['groups not expanded', myselfFred],
      ['no active flag', { ...userWithGroups(), active: undefined }],
    ],
  },
  deliverAudit: {
    path: '/rest/api/2/auditing/record',
    createdStatus: 201,
    prerequisites: (server) => beforeAuditWrite(server, '9.12.2'),
    body: {
      summary: 'API token "ci" created for alice by admin (on behalf) [event 01J9Z6T3QK4M2W8XJ5R7N0B1CD]',
      category: 'API Token Authentication',
      objectItem: { id: 'Ab12Cd34', name: 'ci', typeName: 'API token' },
      changedValues: [{ fieldName: 'expiresAt', changedFrom: '', changedTo: '2025-05-01T12:00:00.000Z' }],
      associatedItems: [{ id: 'alice', name: 'alice', typeName: 'USER' }],
      remoteAddress: '10.0.0.7',
      authorKey: 'JIRAUSER10000',
    },
  },
});
