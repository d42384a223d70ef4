/**
 * What the suite needs to know about each product: nothing here is behaviour under test, only where
 * the sandbox keeps things.
 */

/** The products the suite runs against. */
export const PRODUCTS = ['jira', 'confluence'] as const;
export type ProductName = (typeof PRODUCTS)[number];

/** Per-product facts the scenarios use. */
export interface ProductProfile {
  name: ProductName;
  /** The group `ATA_ADMIN_GROUPS` defaults to. */
  adminGroup: string;
  /** A context-relative REST resource of the sandbox that reports who the request ran as. */
  resourcePath: string;
  /** Context-relative REST password-login endpoint. */
  sessionPath: string;
  /** Context-relative path of the product's legacy audit-writing endpoint. */
  auditPath: string;
}

/**
 * @example
 * ```ts
 * PROFILES.jira.resourcePath; // '/rest/api/2/issue/DEMO-1'
 * ```
 */
export const PROFILES: Readonly<Record<ProductName, ProductProfile>> = {
  jira: {
    name: 'jira',
    adminGroup: 'jira-administrators',
    resourcePath: '/rest/api/2/issue/DEMO-1',
    sessionPath: '/rest/auth/1/session',
    auditPath: '/rest/api/2/auditing/record',
  },
  confluence: {
    name: 'confluence',
    adminGroup: 'confluence-administrators',
    resourcePath: '/rest/api/content/1001',
    sessionPath: '/rest/auth/1/session',
    auditPath: '/rest/api/audit',
  },
};
