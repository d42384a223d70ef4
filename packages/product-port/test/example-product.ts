/**
 * A minimal adapter for an imaginary Seraph-based product, built only from the kit: the README's
 * example, and the adapter the conformance suite is tried on in this package's own tests.
 */
import { z } from 'zod';
import {
  createProductHttpClient,
  fetchAsService,
  fetchCurrentUser,
  judgeSeraphPasswordResponse,
  postAuditRecord,
  type Product,
  type ProductHttpClientOptions,
} from '../src/index.js';

const meSchema = z.object({ name: z.string().min(1), displayName: z.string().optional() });
const userSchema = z.object({
  name: z.string().min(1),
  displayName: z.string(),
  active: z.boolean(),
  groups: z.array(z.string()),
});

export function createExampleProduct(options: ProductHttpClientOptions): Product {
  const client = createProductHttpClient(options);
  let auditUnsupported = false;
  return {
    displayName: 'Example',
    defaultAdminGroups: ['example-administrators'],
    restSessionLoginPath: '/rest/auth/1/session',
    loginPagePath: '/login',

    async whoIs(credentials) {
      const me = await fetchCurrentUser(client, '/rest/api/myself', credentials, meSchema);
      if (me === null) return null;
      return { username: me.name, ...(me.displayName === undefined ? {} : { displayName: me.displayName }) };
    },

    async lookUpUser(username) {
      if (username === '') return null;
      const query = { username };
      const user = await fetchAsService(client, { path: '/rest/api/user', query }, userSchema);
      if (user === null) return null; // 404: no such user
      return { username: user.name, displayName: user.displayName, active: user.active, groups: user.groups };
    },

    async deliverAudit(record) {
      if (auditUnsupported) return 'unsupported';
      const delivery = await postAuditRecord(client, '/rest/api/audit', record);
      auditUnsupported = delivery === 'unsupported';
      return delivery;
    },
    judgePasswordResponse: judgeSeraphPasswordResponse,
  };
}
