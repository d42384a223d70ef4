export type {
  AuditFailureMode,
  ConfluenceSandboxOptions,
  ConfluenceUserStatus,
  JiraSandboxOptions,
  Sandbox,
  SandboxOptions,
  SandboxRequestRecord,
  SandboxUser,
} from './types.js';
export { startJiraSandbox } from './jira/start.js';
export { startConfluenceSandbox } from './confluence/start.js';
export { bigBodyByte } from './core/big-routes.js';
