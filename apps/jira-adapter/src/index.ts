// Public entry of the Jira adapter: the Product implementation for Jira Data Center.
export { createJiraProduct } from './jira-product.js';
export type { JiraProductOptions } from './jira-product.js';
export { JIRA_AUDIT_CATEGORY, toJiraAuditRecord } from './jira-audit-log.js';
export type { JiraAuditRecordBody } from './jira-audit-log.js';
