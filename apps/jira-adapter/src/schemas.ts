/**
 * zod schemas of the Jira REST answers the adapter reads, written by hand from the official contract
 * `tools/sandbox/contracts/jira-software-dc-10.3-openapi.json`. Only the fields we read are listed;
 * everything else in an answer is ignored. `test/schemas.test.ts` checks every field here against the
 * contract, including the narrow work-arounds for its known defects.
 */
import { z } from 'zod';

/** Mirrors `UserBean` (`GET /rest/api/2/myself`): who a session or credential belongs to. */
export const jiraMyselfSchema = z.object({
  name: z.string().min(1),
  displayName: z.string().optional(),
  active: z.boolean().optional(),
});

/** Mirrors `GroupJsonBean`: one item of `UserBean.groups.items`. */
export const jiraGroupSchema = z.object({ name: z.string() });

/**
 * Mirrors `UserBean` with `expand=groups` (`GET /rest/api/2/user`). `groups` is
 * `SimpleListWrapperGroupJsonBean`, which the contract generates without its `items` list (a known
 * defect; Jira sends `items` whenever `groups` is expanded). `active` is required: without it we
 * cannot tell a deactivated user apart, and guessing would fail open.
 */
export const jiraUserSchema = z.object({
  name: z.string().min(1),
  key: z.string().optional(),
  displayName: z.string().optional(),
  active: z.boolean(),
  deleted: z.boolean().optional(),
  groups: z.object({ items: z.array(jiraGroupSchema) }),
});

/**
 * Mirrors `ServerInfoBean` (`GET /rest/api/2/serverInfo`), which the contract generates as a bare
 * object; Jira's answer carries `version` ("9.12.2") and `versionNumbers` ([9, 12, 2]). Loose: the
 * major version is all we need, from whichever field is present.
 */
export const jiraServerInfoSchema = z.looseObject({
  version: z.string().optional(),
  versionNumbers: z.array(z.number()).optional(),
});

export type JiraMyself = z.output<typeof jiraMyselfSchema>;
export type JiraUser = z.output<typeof jiraUserSchema>;
export type JiraServerInfo = z.output<typeof jiraServerInfoSchema>;
